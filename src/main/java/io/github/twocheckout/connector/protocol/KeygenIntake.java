package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.IncomingNotification;
import io.github.twocheckout.connector.model.NotificationRejectedException;
import io.github.twocheckout.connector.model.Vendor;
import io.github.twocheckout.connector.storage.VendorDirectory;
import org.apache.camel.Variable;

/**
 * Reads and verifies key-generator calls. A call that carries HASH or SIGNATURE_* is verified exactly
 * like an IPN (strongest signature, current then previous key). A call without one is accepted only
 * when the vendor it names opted in with {@code keygenAllowUnsigned} and the IP allow-list is on and
 * passed: the allow-list never stands in for a signature the vendor did not waive.
 */
public class KeygenIntake {

    private final SignedIntake signedIntake;
    private final VendorDirectory vendors;
    private KeygenFields fields = new KeygenFields();

    public KeygenIntake(SignedIntake signedIntake, VendorDirectory vendors) {
        this.signedIntake = signedIntake;
        this.vendors = vendors;
    }

    public KeygenRequest parse(String rawBody) {
        return KeygenRequest.parse(rawBody, fields);
    }

    /** Which vendor the call is from, and how that was established; a rejection otherwise. */
    public SignatureCheck verify(@Variable("message") KeygenRequest message, @Variable("merchant") String merchantParam,
                                 @Variable("sourceAllowed") Boolean sourceAllowed) {
        if (message.isSigned()) {
            return signedIntake.verify(message, merchantParam);
        }
        String named = message.merchantCode() != null ? message.merchantCode()
                : merchantParam == null || merchantParam.isBlank() ? null : merchantParam.trim();
        Vendor vendor = named == null ? null : vendors.findByMerchantCode(named);
        if (vendor == null || !vendor.keygenAllowUnsigned()) {
            throw new NotificationRejectedException("no signature", vendor == null ? null : vendor.id(),
                    "key-generator call carries none of SIGNATURE_SHA3_256, SIGNATURE_SHA2_256, HASH; "
                            + (vendor == null ? "it names no known merchant, so it cannot be accepted unsigned"
                            : "vendor " + vendor.code() + " requires a signature (keygenAllowUnsigned is off)"));
        }
        if (!Boolean.TRUE.equals(sourceAllowed)) {
            throw new NotificationRejectedException("no signature", vendor.id(),
                    "key-generator call is unsigned; vendor " + vendor.code() + " accepts unsigned calls only through "
                            + "the IP allow-list, which is off (keygen.allowed-ips.enabled)");
        }
        return new SignatureCheck(vendor.id(), vendor.code(), null, false, java.util.List.of());
    }

    /** What to store for a verified call. */
    public IncomingNotification incoming(@Variable("message") KeygenRequest message,
                                         @Variable("signatureCheck") SignatureCheck check, @Variable("rawBody") String rawBody,
                                         @Variable("contentType") String contentType,
                                         @Variable("remoteAddress") String remoteAddress) {
        if (check.algorithm() != null) {
            return signedIntake.incoming(message, check, rawBody, contentType, remoteAddress);
        }
        return new IncomingNotification(message.channel(), check.vendorId(), null, message.messageType(), message.orderRef(),
                null, null, message.subscriptionRefs(), rawBody, contentType, remoteAddress,
                "KEYGEN unsigned, accepted for vendor " + check.vendorCode()
                        + " (keygenAllowUnsigned) because the caller is on the IP allow-list");
    }

    public void setFields(KeygenFields fields) {
        this.fields = fields;
    }
}
