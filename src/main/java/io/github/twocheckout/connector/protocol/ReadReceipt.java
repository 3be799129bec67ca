package io.github.twocheckout.connector.protocol;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The read receipt that stops 2Checkout re-sending an IPN or LCN: an HMAC, in the algorithm that was
 * verified, over a few values of the call and the reply time (spec 2.5 and 3.4, vectors V4 and V5).
 * IPN signs IPN_PID[0], IPN_PNAME[0], IPN_DATE and DATE; LCN signs LICENSE_CODE, EXPIRATION_DATE and DATE.
 */
public final class ReadReceipt {

    /** DATE is always zero-padded YmdHis (the LCN page's "YmdGis" is the same from 10:00 on). */
    public static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private ReadReceipt() {
    }

    public static String now(Clock clock) {
        return ZonedDateTime.now(clock).format(DATE);
    }

    public static String forIpn(HmacAlgorithm algorithm, String secretKey, String firstProductId, String firstProductName,
                                String ipnDate, String date) {
        return token(algorithm, date, HmacSignature.hmacHex(algorithm, secretKey,
                List.of(nz(firstProductId), nz(firstProductName), nz(ipnDate), date)));
    }

    public static String forLcn(HmacAlgorithm algorithm, String secretKey, String licenseCode, String expirationDate,
                                String date) {
        return token(algorithm, date, HmacSignature.hmacHex(algorithm, secretKey,
                List.of(nz(licenseCode), nz(expirationDate), date)));
    }

    static String token(HmacAlgorithm algorithm, String date, String hash) {
        if (algorithm == HmacAlgorithm.MD5) {
            return "<EPAYMENT>" + date + "|" + hash + "</EPAYMENT>";
        }
        return "<sig algo=\"" + algorithm.receiptName() + "\" date=\"" + date + "\">" + hash + "</sig>";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
