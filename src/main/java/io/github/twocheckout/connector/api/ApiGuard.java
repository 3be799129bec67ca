package io.github.twocheckout.connector.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Header;

/**
 * The one switch in front of every /api route until the control panel brings users and roles:
 * when enabled, a request must carry {@code Authorization: Bearer <api.token>}.
 */
public class ApiGuard {

    private boolean enabled = true;
    private String token = "";

    public void check(@Header("Authorization") String authorization) {
        if (!enabled) {
            return;
        }
        if (token == null || token.isBlank() || authorization == null || !authorization.startsWith("Bearer ")) {
            throw new ApiUnauthorizedException();
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        byte[] given = authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ApiUnauthorizedException();
        }
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setToken(String token) {
        this.token = token;
    }
}
