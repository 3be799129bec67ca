package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.IncomingNotification;
import io.github.twocheckout.connector.model.NotificationRejectedException;
import io.github.twocheckout.connector.model.Vendor;
import io.github.twocheckout.connector.storage.VendorDirectory;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Variable;

/** Reads and verifies a legacy INS call: parse the form, find the vendor, check md5_hash. */
public class InsIntake {

    private final VendorDirectory vendors;

    public InsIntake(VendorDirectory vendors) {
        this.vendors = vendors;
    }

    public InsMessage parse(String rawBody) {
        return InsMessage.parse(rawBody);
    }

    /**
     * Checks md5_hash with the secret word of the vendor named by vendor_id, the current one first,
     * then the previous one during a rotation. The record says which one matched.
     */
    public IncomingNotification verify(@Variable("ins") InsMessage ins, @Variable("rawBody") String rawBody,
                                       @Variable("contentType") String contentType,
                                       @Variable("remoteAddress") String remoteAddress) {
        Vendor vendor = vendors.findByInsVendorId(ins.getVendorId().trim());
        if (vendor == null) {
            throw new NotificationRejectedException("unknown vendor_id", null,
                    "no vendor is configured with INS vendor_id '" + ins.getVendorId().trim() + "'");
        }
        String matched = null;
        if (matches(ins, vendor.secretWord())) {
            matched = "current";
        } else if (matches(ins, vendor.secretWordPrevious())) {
            matched = "previous";
        }
        if (matched == null) {
            String diagnostics = String.format(
                    "INS md5_hash mismatch: MD5 over sale_id (%d bytes) + vendor_id (%d bytes) + invoice_id (%d bytes) + secret word; "
                            + "tried the %s secret word; posted md5_hash has %d characters",
                    bytes(ins.getSaleId()), bytes(ins.getVendorId()), bytes(ins.getInvoiceId()),
                    vendor.secretWordPrevious() == null ? "current" : "current and the previous",
                    ins.getMd5Hash().length());
            if (vendor.secretWord() == null) {
                diagnostics = "vendor " + vendor.code() + " has no INS secret word configured";
            }
            throw new NotificationRejectedException("md5_hash does not match", vendor.id(), diagnostics);
        }
        return new IncomingNotification("INS", vendor.id(), ins.getMessageId(), ins.getMessageType(), ins.getOrderRef(),
                ins.getInvoiceId(), ins.getEventKey(), java.util.List.of(), rawBody, contentType, remoteAddress,
                "INS md5_hash (MD5 over sale_id + vendor_id + invoice_id + secret word) matched the " + matched + " secret word");
    }

    private static boolean matches(InsMessage ins, String secretWord) {
        if (secretWord == null || secretWord.isEmpty()) {
            return false;
        }
        return InsSignature.hexEquals(InsSignature.compute(ins.getSaleId(), ins.getVendorId(), ins.getInvoiceId(), secretWord),
                ins.getMd5Hash());
    }

    private static int bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
