package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.OrderLine;
import org.junit.jupiter.api.Test;

/** Reading a key-generator call through the configurable field names. */
class KeygenRequestTest {

    private static KeygenRequest parse(String body) {
        return KeygenRequest.parse(body, new KeygenFields());
    }

    @Test
    void readsTheScalarFormWithDefaults() {
        KeygenRequest r = parse("REFNO=123456789&PID=5001&PCODE=ACME-PRO&PNAME=Pr%C3%B6dukt&QUANTITY=3&FIRSTNAME=Zo%C3%AB"
                + "&LASTNAME=%C3%85ngstr%C3%B6m&EMAIL=zoe%40buyer.test&TESTORDER=NO&LICENSE_REF=SUB1");
        assertThat(r.getOrderRef()).isEqualTo("123456789");
        assertThat(r.isTest()).isFalse();
        assertThat(r.isSigned()).isFalse();
        assertThat(r.messageType()).isEqualTo("KEYGEN");
        assertThat(r.subscriptionRefs()).containsExactly("SUB1");
        OrderLine line = r.getLines().get(0);
        assertThat(r.getLines()).hasSize(1);
        assertThat(line.getProductId()).isEqualTo("5001");
        assertThat(line.getProductCode()).isEqualTo("ACME-PRO");
        assertThat(line.getProductName()).isEqualTo("Prödukt");
        assertThat(line.getQuantity()).isEqualTo(3);
        assertThat(line.getCustomerName()).isEqualTo("Zoë Ångström");
        assertThat(line.getCustomerEmail()).isEqualTo("zoe@buyer.test");
        assertThat(line.getSubscriptionRef()).isEqualTo("SUB1");
    }

    @Test
    void readsIpnStyleArraysAsOneLinePerProduct() {
        KeygenRequest r = parse("REFNO=42&IPN_PID[]=5001&IPN_PID[]=5003&IPN_PCODE[]=ACME-PRO&IPN_PCODE[]=&IPN_QTY[]=2"
                + "&IPN_QTY[]=5&TEST_ORDER=1&HASH=abc");
        assertThat(r.isTest()).isTrue();
        assertThat(r.isSigned()).isTrue();
        assertThat(r.messageType()).isEqualTo("KEYGEN_TEST");
        assertThat(r.getLines()).extracting(OrderLine::getProductRef, OrderLine::getQuantity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ACME-PRO", 2), org.assertj.core.groups.Tuple.tuple("5003", 5));
    }

    @Test
    void testOrderSpellings() {
        assertThat(parse("REFNO=1&PID=1&TESTORDER=YES").isTest()).isTrue();
        assertThat(parse("REFNO=1&PID=1&TESTORDER=yes").isTest()).isTrue();
        assertThat(parse("REFNO=1&PID=1&TESTORDER=NO").isTest()).isFalse();
        assertThat(parse("REFNO=1&PID=1").isTest()).isFalse();
    }

    @Test
    void fieldNamesComeFromConfiguration() {
        KeygenFields fields = new KeygenFields();
        fields.setOrderRef("ORDER_REF, REFNO");
        fields.setQuantity("SEATS");
        fields.setMerchant("SELLER");
        KeygenRequest r = KeygenRequest.parse("ORDER_REF=77&PCODE=X&SEATS=4&QUANTITY=9&SELLER=ACME", fields);
        assertThat(r.getOrderRef()).isEqualTo("77");
        assertThat(r.merchantCode()).isEqualTo("ACME");
        assertThat(r.getLines().get(0).getQuantity()).isEqualTo(4);
    }

    @Test
    void malformedCallsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("PID=5001&QUANTITY=1")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("order reference (REFNO)");
        assertThatThrownBy(() -> parse("REFNO=1&QUANTITY=1")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("missing the product");
        assertThatThrownBy(() -> parse("REFNO=1&PID=&PCODE=")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("neither a product id nor a product code");
        assertThatThrownBy(() -> parse("REFNO=1&PID=5001&QUANTITY=0")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("REFNO=1&PID=5001&QUANTITY=three")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> parse("REFNO=1&REFNO=2&PID=5001")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("more than once");
    }

    @Test
    void anAnswerEscapesWhatWouldBreakTheDocument() {
        assertThat(KeygenAnswer.xmlText("A&B<C>\"'")).isEqualTo("A&amp;B&lt;C&gt;&quot;&apos;");
    }
}
