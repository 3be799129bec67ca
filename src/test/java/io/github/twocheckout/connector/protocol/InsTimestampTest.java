package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** INS timestamps ("2026-11-21 10:00:00 EST"): read by hand, so every malformed shape must give null. */
class InsTimestampTest {

    @Test
    void readsEasternStandardAndDaylightTimeAndUtc() {
        assertThat(InsMessage.easternTime("2026-11-21 10:00:00 EST")).isEqualTo(Instant.parse("2026-11-21T15:00:00Z"));
        assertThat(InsMessage.easternTime("2026-07-04 09:30:15 EDT")).isEqualTo(Instant.parse("2026-07-04T13:30:15Z"));
        assertThat(InsMessage.easternTime(" 2026-07-04T09:30:15 UTC ")).isEqualTo(Instant.parse("2026-07-04T09:30:15Z"));
    }

    @Test
    void withoutAZoneItIsNewYorkTimeOfThatDay() {
        assertThat(InsMessage.easternTime("2026-01-15 08:00:00")).isEqualTo(Instant.parse("2026-01-15T13:00:00Z"));
        assertThat(InsMessage.easternTime("2026-06-15 08:00:00")).isEqualTo(Instant.parse("2026-06-15T12:00:00Z"));
        assertThat(InsMessage.easternTime("2026-06-15 08:00:00 CET")).isEqualTo(Instant.parse("2026-06-15T12:00:00Z"));
    }

    @Test
    void anythingElseIsNull() {
        assertThat(InsMessage.easternTime(null)).isNull();
        assertThat(InsMessage.easternTime("")).isNull();
        assertThat(InsMessage.easternTime("2026-11-21 10:00 EST")).isNull();
        assertThat(InsMessage.easternTime("2026/11/21 10:00:00 EST")).isNull();
        assertThat(InsMessage.easternTime("2026-13-21 10:00:00 EST")).isNull();
        assertThat(InsMessage.easternTime("2026-02-30 10:00:00 EST")).isNull();
        assertThat(InsMessage.easternTime("2026-11-21 24:00:00 EST")).isNull();
        assertThat(InsMessage.easternTime("2026-11-2x 10:00:00 EST")).isNull();
    }
}
