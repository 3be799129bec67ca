package io.github.twocheckout.connector.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every read of the API answers for notifications of every channel and kind: the dead-lettered ones an
 * operator most needs to read included (an LCN, a subscription IPN, a key-generator call with a
 * subscription, an INS order, a rejected call).
 */
class ApiReadsTest extends ConnectorTestBase {

    @Test
    void everyNotificationOfEveryChannelReadsBackWithItsLicenses() {
        String subscription = "SUB" + SignedPost.nextNumber();
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, subscription, "REGULAR", "");
        deliverIpn(ipn, 1);
        deliverLcn(SignedPost.lcn(subscription).set("STATUS", "PASTDUE"), 1);
        SignedPost keygen = SignedPost.keygen("5002", "ACME-SUB", 1).set("LICENSE_REF", "SUB" + SignedPost.nextNumber());
        postKeygen(keygen).then().statusCode(200);
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(ins, 1);
        // A notification dead-lettered for a product nobody mapped, and a rejected call.
        SignedPost unmapped = SignedPost.ipn("COMPLETE").product("9999", "NOBODY", "Nobody's", 1, "SUB" + SignedPost.nextNumber(),
                "REGULAR", "");
        deliverIpn(unmapped, 1);
        postIns(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("md5_hash", "0".repeat(32))).then().statusCode(403);

        List<Long> ids = connector.jdbc().queryForList("""
                SELECT id FROM notification WHERE order_ref IN (?, ?, ?, ?) OR ? = ANY (subscription_refs)
                   OR (status = 'REJECTED' AND id = (SELECT max(id) FROM notification WHERE channel = 'INS' AND status = 'REJECTED'))
                ORDER BY id""", Long.class, ipn.refno(), keygen.refno(), ins.saleId(), unmapped.refno(), subscription);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(6);
        for (long id : ids) {
            JsonPath n = connector.api().get("/api/notifications/" + id).then().statusCode(200).extract().jsonPath();
            assertThat(n.getLong("id")).isEqualTo(id);
            assertThat(n.getString("raw_body")).isNotEmpty();
            if ("LCN".equals(n.getString("channel"))) {
                assertThat(n.getList("subscription_refs")).containsExactly(subscription);
            }
        }
        assertThat(connector.jdbc().queryForObject("SELECT status FROM notification WHERE order_ref = ?", String.class,
                unmapped.refno())).isEqualTo("FAILED");

        for (String query : List.of("", "?order=" + ipn.refno(), "?status=FAILED", "?channel=LCN", "?channel=KEYGEN")) {
            connector.api().get("/api/notifications" + query).then().statusCode(200);
        }
        List<Map<String, Object>> licenses = connector.api().get("/api/licenses?order=" + ipn.refno()).then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(licenses).hasSize(1);
        connector.api().get("/api/licenses/" + licenses.get(0).get("id")).then().statusCode(200);
        for (String path : List.of("/api/vendors", "/api/connectors", "/api/reports/sales", "/api/reports/subscriptions",
                "/api/reports/licenses-per-day", "/api/reports/facts.csv", "/api/openapi.yaml")) {
            connector.api().get(path).then().statusCode(200);
        }
    }
}
