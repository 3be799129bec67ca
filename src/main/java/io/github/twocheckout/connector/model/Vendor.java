package io.github.twocheckout.connector.model;

/** A vendor row with the secrets needed to verify its calls. Never serialised or logged. */
public record Vendor(long id, String code, String name, String contactEmail,
                     String secretWord, String secretWordPrevious,
                     String secretKey, String secretKeyPrevious, boolean allowMd5Only,
                     boolean keygenAllowUnsigned) {

    @Override
    public String toString() {
        return "Vendor[" + code + "]"; // keep secrets out of any log line or error message
    }
}
