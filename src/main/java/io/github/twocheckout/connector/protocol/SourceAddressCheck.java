package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.NotificationRejectedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The optional IP allow-list of an endpoint: 2Checkout's published source networks (protocols doc
 * section 5). Off by default. When on, a call from elsewhere is rejected before anything else; it never
 * replaces the signature check, it comes on top of it. Sets variable {@code sourceAllowed}: TRUE when
 * the list is on and the caller is on it, null when the list is off.
 *
 * <p>Behind a reverse proxy the TCP peer is the proxy; set {@code clientIpHeader} (X-Forwarded-For) and
 * the last address in it, the one your proxy appended, is checked instead.
 */
public class SourceAddressCheck {

    private boolean enabled;
    private List<Cidr> ranges = List.of();
    private String clientIpHeader = "";

    public void check(Exchange exchange) {
        if (!enabled) {
            exchange.setVariable("sourceAllowed", null);
            return;
        }
        String address = clientAddress(exchange);
        if (address != null && !address.equals(exchange.getVariable("remoteAddress", String.class))) {
            exchange.setVariable("remoteAddress", address + " (via " + exchange.getVariable("remoteAddress", String.class) + ")");
        }
        if (address == null || !allows(address)) {
            throw new NotificationRejectedException("source address not allowed", null,
                    "caller " + address + " is outside the allow-list (" + ranges.size() + " network(s)); "
                            + "2Checkout publishes its source networks, update the list when they change");
        }
        exchange.setVariable("sourceAllowed", Boolean.TRUE);
    }

    private String clientAddress(Exchange exchange) {
        String forwarded = clientIpHeader == null || clientIpHeader.isBlank() ? null
                : exchange.getMessage().getHeader(clientIpHeader.trim(), String.class);
        return clientAddress(forwarded, exchange.getVariable("remoteAddress", String.class));
    }

    /** The caller: the last address of the proxy's forwarding header when there is one (the hop it appended), else the TCP peer. */
    public static String clientAddress(String forwardedHeader, String peer) {
        if (forwardedHeader != null && !forwardedHeader.isBlank()) {
            String[] hops = forwardedHeader.split(",");
            return hops[hops.length - 1].trim();
        }
        return peer;
    }

    public boolean allows(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /** The address bytes of an IP literal; null for anything else (never a DNS lookup). */
    private static byte[] literal(String address) {
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.isEmpty() || !(a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(a).getAddress();
            if (b.length == 16 && isV4Mapped(b)) {
                return Arrays.copyOfRange(b, 12, 16);
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            String t = text.trim();
            int slash = t.indexOf('/');
            byte[] net = literal(slash < 0 ? t : t.substring(0, slash));
            if (net == null) {
                throw new IllegalArgumentException("not an IP network: '" + t + "'");
            }
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(t.substring(slash + 1).trim());
            if (prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length in '" + t + "'");
            }
            return new Cidr(net, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Comma-separated networks in CIDR notation (IPv4 or IPv6); a bare address is a /32 (/128). */
    public void setRanges(String ranges) {
        List<Cidr> parsed = new ArrayList<>();
        for (String r : ranges == null ? new String[0] : ranges.split(",")) {
            if (!r.isBlank()) {
                parsed.add(Cidr.parse(r));
            }
        }
        this.ranges = List.copyOf(parsed);
    }

    public void setClientIpHeader(String clientIpHeader) {
        this.clientIpHeader = clientIpHeader;
    }
}
