package io.github.twocheckout.connector.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    /** Many orders a millisecond, as a load generator signs them: each its own order, none a repeat of another. */
    @Test
    void freshReferencesDrawnInALoopAreAllDistinct() {
        Set<Long> refs = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            long ref = Scenario.freshRef();
            assertThat(ref).isGreaterThan(2_999_999_999L);
            assertThat(refs.add(ref)).as("reference %d drawn twice, after %d others", ref, i).isTrue();
        }
    }
}
