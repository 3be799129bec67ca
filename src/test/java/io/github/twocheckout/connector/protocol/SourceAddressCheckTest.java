package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The key generator's IP allow-list against 2Checkout's published networks (protocols doc section 5). */
class SourceAddressCheckTest {

    private static SourceAddressCheck published() {
        SourceAddressCheck check = new SourceAddressCheck();
        check.setEnabled(true);
        check.setRanges("91.220.121.0/25, 5.35.210.128/25,184.106.7.192/29,85.17.14.128/27,162.221.60.0/22,2001:db8::/32");
        return check;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "91.220.121.1, true", "91.220.121.21, true", "91.220.121.127, true", "91.220.121.128, false",
            "5.35.210.128, true", "5.35.210.254, true", "5.35.210.127, false",
            "184.106.7.193, true", "184.106.7.199, true", "184.106.7.200, false",
            "85.17.14.158, true", "85.17.14.160, false",
            "162.221.60.1, true", "162.221.63.254, true", "162.221.64.1, false",
            "::ffff:91.220.121.21, true", "2001:db8::1, true", "[2001:db8::1], true", "2001:db9::1, false",
            "127.0.0.1, false", "secure.2checkout.com, false", "'', false"})
    void matchesThePublishedNetworksOnly(String address, boolean allowed) {
        assertThat(published().allows(address)).isEqualTo(allowed);
    }

    @Test
    void rejectsBadNetworksAtStart() {
        assertThatThrownBy(() -> new SourceAddressCheck().setRanges("91.220.121.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> new SourceAddressCheck().setRanges("example.com/24")).hasMessageContaining("not an IP network");
    }
}
