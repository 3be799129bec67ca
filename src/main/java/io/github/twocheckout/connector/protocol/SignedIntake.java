package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.IncomingNotification;
import io.github.twocheckout.connector.model.NotificationRejectedException;
import io.github.twocheckout.connector.model.Vendor;
import io.github.twocheckout.connector.storage.VendorDirectory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Variable;

/**
 * Reads and verifies IPN and LCN calls, and signs their read receipts.
 *
 * <p>The vendor is the one the call names (IPN VENDOR_CODE, or {@code ?merchant=CODE} on the URL set in
 * 2Checkout); a call that names none is tried against every vendor's key. The strongest signature
 * present is verified (SHA3-256, then SHA-256, then MD5) and only that one: a weaker signature never
 * stands in for a failed stronger one. A call signed with MD5 alone is refused unless the vendor allows it.
 */
public class SignedIntake {

    private final VendorDirectory vendors;
    private Clock clock = Clock.systemUTC();

    public SignedIntake(VendorDirectory vendors) {
        this.vendors = vendors;
    }

    public IpnMessage parseIpn(String rawBody) {
        return IpnMessage.parse(rawBody);
    }

    public LcnMessage parseLcn(String rawBody) {
        return LcnMessage.parse(rawBody);
    }

    /** Verifies the call in variable "message": which vendor, algorithm and key signed it, or a rejection. */
    public SignatureCheck verify(@Variable("message") SignedNotification message, @Variable("merchant") String merchantParam) {
        List<HmacAlgorithm> present = new ArrayList<>();
        for (HmacAlgorithm a : HmacAlgorithm.BY_STRENGTH) {
            String v = message.form().get(a.field());
            if (v != null && !v.isBlank()) {
                present.add(a);
            }
        }
        String named = message.merchantCode() != null ? message.merchantCode() : blankToNull(merchantParam);
        List<Vendor> candidates;
        if (named != null) {
            Vendor v = vendors.findByMerchantCode(named);
            if (v == null) {
                throw new NotificationRejectedException("unknown merchant", null,
                        "no vendor is configured with merchant code '" + named + "'"
                                + (message.merchantCode() != null ? " (VENDOR_CODE)" : " (merchant URL parameter)"));
            }
            candidates = List.of(v);
        } else {
            candidates = vendors.withSecretKey();
        }
        if (present.isEmpty()) {
            throw new NotificationRejectedException("no signature", candidates.size() == 1 ? candidates.get(0).id() : null,
                    message.channel() + " call carries none of SIGNATURE_SHA3_256, SIGNATURE_SHA2_256, HASH");
        }
        HmacAlgorithm algorithm = present.get(0);
        String posted = message.form().get(algorithm.field());
        byte[] source = HmacSignature.source(message.form().signedValues());
        List<String> tried = new ArrayList<>();
        for (Vendor vendor : candidates) {
            if (algorithm == HmacAlgorithm.MD5 && !vendor.allowMd5Only()) {
                tried.add("vendor " + vendor.code() + ": MD5-only calls are not accepted (allowMd5Only is off)");
                continue;
            }
            if (vendor.secretKey() == null || vendor.secretKey().isEmpty()) {
                tried.add("vendor " + vendor.code() + ": no secret key configured");
                continue;
            }
            Boolean previous = null;
            if (HmacSignature.hexEquals(HmacSignature.hmacHex(algorithm, vendor.secretKey(), source), posted)) {
                previous = false;
            } else if (vendor.secretKeyPrevious() != null && !vendor.secretKeyPrevious().isEmpty()
                    && HmacSignature.hexEquals(HmacSignature.hmacHex(algorithm, vendor.secretKeyPrevious(), source), posted)) {
                previous = true;
            }
            if (previous != null) {
                return new SignatureCheck(vendor.id(), vendor.code(), algorithm, previous,
                        present.subList(1, present.size()).stream().map(HmacAlgorithm::field).toList());
            }
            tried.add("vendor " + vendor.code() + ": tried the "
                    + (vendor.secretKeyPrevious() == null || vendor.secretKeyPrevious().isEmpty() ? "current secret key" : "current and the previous secret key"));
        }
        boolean md5Refused = algorithm == HmacAlgorithm.MD5 && candidates.stream().noneMatch(Vendor::allowMd5Only);
        String reason = md5Refused ? "MD5-only signature not accepted" : algorithm.field() + " does not match";
        String diagnostics = String.format("%s %s (%s) %s; signed string: %d values, %d bytes, in POST order with arrays grouped: %s; "
                        + "posted %s has %d characters; %s",
                message.channel(), algorithm.field(), algorithm.label(), md5Refused ? "refused" : "mismatch",
                message.form().signedValues().size(), source.length, message.form().byteLengths(), algorithm.field(),
                posted.trim().length(), candidates.isEmpty() ? "no vendor has a secret key" : String.join("; ", tried));
        throw new NotificationRejectedException(reason, candidates.size() == 1 ? candidates.get(0).id() : null, diagnostics);
    }

    /** What to store for a verified call. */
    public IncomingNotification incoming(@Variable("message") SignedNotification message,
                                         @Variable("signatureCheck") SignatureCheck check, @Variable("rawBody") String rawBody,
                                         @Variable("contentType") String contentType,
                                         @Variable("remoteAddress") String remoteAddress) {
        return new IncomingNotification(message.channel(), check.vendorId(), message.messageId(), message.messageType(),
                message.orderRef(), null, message.eventKey(), message.subscriptionRefs(), rawBody, contentType, remoteAddress,
                describe(message, check));
    }

    /** The read receipt, signed with the algorithm and key that verified the call. */
    public String receipt(@Variable("message") SignedNotification message, @Variable("signatureCheck") SignatureCheck check) {
        Vendor vendor = vendors.findById(check.vendorId());
        String key = check.previousKey() ? vendor.secretKeyPrevious() : vendor.secretKey();
        return message.receipt(check.algorithm(), key, ReadReceipt.now(clock));
    }

    private static String describe(SignedNotification message, SignatureCheck check) {
        StringBuilder s = new StringBuilder(message.channel()).append(' ').append(check.algorithm().field()).append(" (")
                .append(check.algorithm().label()).append(") matched the ").append(check.previousKey() ? "previous" : "current")
                .append(" secret key of vendor ").append(check.vendorCode());
        if (!check.weakerPresent().isEmpty()) {
            s.append("; weaker signature(s) present, not relied on: ").append(String.join(", ", check.weakerPresent()));
        }
        return s.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
