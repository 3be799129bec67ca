package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 2Checkout sends two units of one product as two lines of quantity 1 (INS item_id_1 and item_id_2 the
 * same product; IPN and key-generator lines alike). Every unit gets its license, numbered across the
 * lines, and every channel agrees on the same licenses for the same order.
 */
class SameProductLinesTest extends ConnectorTestBase {

    private List<Integer> units(String orderRef) {
        return connector.jdbc().queryForList("SELECT unit_no FROM license WHERE order_ref = ? ORDER BY unit_no", Integer.class, orderRef);
    }

    private int saleFacts(String orderRef) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM order_fact WHERE order_ref = ? AND kind = 'SALE'",
                Integer.class, orderRef);
    }

    private static InsPost twoLinesOfOneProduct(String productCode) {
        return InsPost.acme("ORDER_CREATED").item(productCode, "ACME").item(productCode, "ACME");
    }

    @Test
    void insTwoLinesOfOneProductGiveTwoLicensesAndTwoSales() {
        InsPost order = twoLinesOfOneProduct("ACME-PRO");
        deliver(order, 1);
        assertThat(units(order.saleId())).containsExactly(1, 2);
        assertThat(saleFacts(order.saleId())).isEqualTo(2);
        // The fraud review's pass (the same two lines) confirms them, issues nothing more.
        deliver(order.next("FRAUD_STATUS_CHANGED"), 2);
        assertThat(units(order.saleId())).containsExactly(1, 2);
        // A refund reaches every unit.
        deliver(order.next("REFUND_ISSUED").set("item_type_1", "refund").set("item_type_2", "refund"), 3);
        assertThat(connector.licenses(order.saleId())).hasSize(2).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }

    @Test
    void ipnLinesOfOneAndThreeGiveFour() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1).product("5001", "ACME-PRO", "ACME Pro", 3);
        deliverIpn(ipn, 1);
        assertThat(units(ipn.refno())).containsExactly(1, 2, 3, 4);
        assertThat(saleFacts(ipn.refno())).isEqualTo(2);
    }

    @Test
    void perLineModeGivesOneCodePerLine() {
        InsPost order = twoLinesOfOneProduct("ACME-SITE");
        deliver(order, 1);
        assertThat(connector.licenses(order.saleId())).hasSize(2);
    }

    @Test
    void insAndIpnAgreeWhetherTwoUnitsComeAsTwoLinesOrAsOne() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 2);
        postInsOk(twoLinesOfOneProduct("ACME-PRO").set("sale_id", ipn.refno()));
        deliverIpn(ipn, 2);
        assertThat(units(ipn.refno())).containsExactly(1, 2);
    }

    @Test
    void theKeyGeneratorAnswersEachLineWithItsOwnCodesAndIpnAndARefundFollow() {
        SignedPost keygen = SignedPost.keygen("5001", "ACME-PRO", 1).remove("PID").remove("PCODE").remove("PNAME").remove("QUANTITY")
                .add("IPN_PID[]", "5001").add("IPN_PCODE[]", "ACME-PRO").add("IPN_PNAME[]", "ACME Pro").add("IPN_QTY[]", "1")
                .add("IPN_PID[]", "5001").add("IPN_PCODE[]", "ACME-PRO").add("IPN_PNAME[]", "ACME Pro").add("IPN_QTY[]", "1");
        Response answer = postKeygen(keygen);
        answer.then().statusCode(200);
        List<String> codes = codes(answer.asString());
        assertThat(codes).hasSize(2).doesNotHaveDuplicates();
        assertThat(units(keygen.refno())).containsExactly(1, 2);

        // 2Checkout's IPN for the same order, as one line of 2: the same two licenses, then a refund revokes both.
        SignedPost ipn = SignedPost.ipn("ACME", "acme-key-2026", keygen.refno(), "COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 2);
        deliverIpn(ipn, 2);
        List<Map<String, Object>> licenses = connector.licenses(keygen.refno());
        assertThat(licenses).extracting(l -> l.get("code")).containsExactlyInAnyOrderElementsOf(codes);
        deliverIpn(ipn.copy().set("ORDERSTATUS", "REFUND").set("MESSAGE_TYPE", "REFUND"), 3);
        assertThat(connector.licenses(keygen.refno())).hasSize(2).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }

    private static List<String> codes(String xml) {
        Matcher m = Pattern.compile("<Code>([^<]+)</Code>").matcher(xml);
        List<String> codes = new java.util.ArrayList<>();
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }
}
