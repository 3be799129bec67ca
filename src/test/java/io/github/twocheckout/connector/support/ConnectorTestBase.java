package io.github.twocheckout.connector.support;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.restassured.response.Response;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One running connector per test class, against the JVM's shared PostgreSQL and GreenMail. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConnectorTestBase {

    protected RunningConnector connector;
    protected final GreenMail greenMail = SharedInfrastructure.greenMail();

    protected Map<String, String> properties() {
        return Map.of();
    }

    @BeforeAll
    void startConnector() throws Exception {
        connector = RunningConnector.start(properties());
    }

    @AfterAll
    void stopConnector() throws Exception {
        if (connector != null) {
            connector.close();
        }
    }

    protected Response postIns(InsPost post) {
        return connector.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins");
    }

    protected Response postInsOk(InsPost post) {
        Response r = postIns(post);
        r.then().statusCode(200);
        return r;
    }

    /** Posts a call that must be acknowledged, then waits until its order has this many finished notifications. */
    protected List<Map<String, Object>> deliver(InsPost post, int expectedNotifications) {
        postInsOk(post);
        return awaitSettled(post.saleId(), expectedNotifications);
    }

    protected Response postIpn(SignedPost post) {
        return connector.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ipn");
    }

    protected Response postLcn(SignedPost post) {
        return connector.http().contentType("application/x-www-form-urlencoded").body(post.body())
                .post("/2co/lcn?merchant=ACME");
    }

    /** A key-generator call as 2Checkout would post it to the URL set for ACME's dynamic list. */
    protected Response postKeygen(SignedPost post) {
        return connector.http().contentType("application/x-www-form-urlencoded").body(post.body())
                .post("/2co/keygen?merchant=ACME");
    }

    /** Posts an IPN that must be acknowledged, then waits until its order has this many finished notifications. */
    protected List<Map<String, Object>> deliverIpn(SignedPost post, int expectedNotifications) {
        postIpn(post).then().statusCode(200);
        return awaitSettled(post.refno(), expectedNotifications);
    }

    /** Posts an LCN that must be acknowledged, then waits until the subscription has this many finished LCNs. */
    protected List<Map<String, Object>> deliverLcn(SignedPost post, int expectedNotifications) {
        postLcn(post).then().statusCode(200);
        String ref = post.get("LICENSE_CODE");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Map<String, Object>> rows = lcnNotifications(ref);
            return rows.size() == expectedNotifications && rows.stream()
                    .noneMatch(r -> List.of("RECEIVED", "PROCESSING").contains(r.get("status")));
        });
        return lcnNotifications(ref);
    }

    protected List<Map<String, Object>> lcnNotifications(String licenseCode) {
        return connector.jdbc().queryForList("SELECT * FROM notification WHERE channel = 'LCN' AND status <> 'REJECTED' "
                + "AND ? = ANY (subscription_refs) ORDER BY id", licenseCode);
    }

    /** Waits until every notification of the order is finished (none received or processing). */
    protected List<Map<String, Object>> awaitSettled(String orderRef, int expectedNotifications) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Map<String, Object>> rows = connector.notifications(orderRef);
            return rows.size() == expectedNotifications && rows.stream()
                    .noneMatch(r -> List.of("RECEIVED", "PROCESSING").contains(r.get("status")));
        });
        return connector.notifications(orderRef);
    }

    protected Map<String, Object> lastNotification(String orderRef) {
        List<Map<String, Object>> rows = connector.notifications(orderRef);
        return rows.get(rows.size() - 1);
    }

    /** Mails whose subject mentions the text (e.g. an order reference). */
    protected List<MimeMessage> mailsAbout(String text) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject() != null && m.getSubject().contains(text);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    protected List<MimeMessage> awaitMails(String subjectText, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsAbout(subjectText).size() >= count);
        return mailsAbout(subjectText);
    }

    protected static String raw(MimeMessage message) {
        return GreenMailUtil.getWholeMessage(message);
    }

    protected static String text(MimeMessage message) {
        try {
            return ((String) message.getContent()).replace("\r\n", "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String recipients(MimeMessage message) {
        try {
            return Arrays.toString(message.getAllRecipients());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
