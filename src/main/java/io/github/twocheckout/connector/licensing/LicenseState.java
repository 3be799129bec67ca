package io.github.twocheckout.connector.licensing;

import java.time.Instant;

/**
 * A license as its application sees it at this moment: what {@link LicenseActivations} answers and
 * {@link LicenseDocuments} signs. {@code fingerprint} and {@code machineName} are the machine's when it
 * holds a seat ({@code activated}), else null.
 */
public record LicenseState(long id, String code, String status, String vendor, String productId, String productCode,
                           String productName, String edition, String licenseType, String licenseeName, String licenseeEmail,
                           int quantity, int maxActivations, int seats, int seatsUsed, boolean test, Instant issuedAt,
                           Instant expiresAt, Instant pastDueGraceEnd, String fingerprint, String machineName, boolean activated) {
}
