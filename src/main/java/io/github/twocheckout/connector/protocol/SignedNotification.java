package io.github.twocheckout.connector.protocol;

import java.util.List;

/** An HMAC-signed 2Checkout call (IPN, LCN): what intake needs to verify, store and acknowledge it. */
public interface SignedNotification {

    /** IPN or LCN. */
    String channel();

    SignedForm form();

    /** The merchant code the call names itself (IPN VENDOR_CODE), or null. */
    String merchantCode();

    String messageId();

    String messageType();

    String orderRef();

    /** The 2Checkout subscription references the call concerns: a parked call waits for licenses with these. */
    List<String> subscriptionRefs();

    /** Business identity of the event: a re-send with a new MESSAGE_ID is still recognised. */
    String eventKey();

    /** The read receipt for this call, signed with the key that verified it. */
    String receipt(HmacAlgorithm algorithm, String secretKey, String date);
}
