package io.github.twocheckout.connector.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormBodyTest {

    @Test
    void keepsPostOrderRepeatedKeysAndDecodesUtf8() {
        FormBody form = FormBody.parse("zeta=1&message_type=ORDER_CREATED&IPN_PID%5B%5D=1&alpha=a+b&IPN_PID%5B%5D=2&name=Zo%C3%AB&empty=&flag");
        assertEquals(List.of("zeta", "message_type", "IPN_PID[]", "alpha", "IPN_PID[]", "name", "empty", "flag"),
                form.fields().stream().map(FormBody.Field::name).toList());
        assertEquals(List.of("1", "2"), form.all("IPN_PID[]"));
        assertEquals("a b", form.first("alpha"));
        assertEquals("Zoë", form.first("name"));
        assertEquals("", form.first("empty"));
        assertEquals("", form.first("flag"));
        assertEquals(2, form.count("IPN_PID[]"));
    }

    @Test
    void rejectsBrokenPercentEscapes() {
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("a=%ZZ"));
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("a=abc%4"));
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("a=%C3%28"));
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("a=%FF"));
    }

    @Test
    void rejectsNulCharactersAndNamelessFields() {
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("a=x%00y"));
        assertThrows(MalformedNotificationException.class, () -> FormBody.parse("=value"));
    }

    @Test
    void insMessageNamesMissingFields() {
        MalformedNotificationException e = assertThrows(MalformedNotificationException.class,
                () -> InsMessage.parse("message_type=ORDER_CREATED&vendor_id=1"));
        assertEquals("missing required field(s): sale_id, invoice_id, md5_hash", e.getMessage());
    }

    @Test
    void eventKeyIgnoresTimestampAndMessageIdButNotStatus() {
        String base = "message_type=FRAUD_STATUS_CHANGED&vendor_id=1&sale_id=2&invoice_id=3&md5_hash=x&item_id_1=P&";
        InsMessage a = InsMessage.parse(base + "fraud_status=pass&message_id=1&timestamp=t1");
        InsMessage b = InsMessage.parse(base + "fraud_status=pass&message_id=2&timestamp=t2");
        InsMessage c = InsMessage.parse(base + "fraud_status=fail&message_id=3&timestamp=t3");
        assertEquals(a.getEventKey(), b.getEventKey());
        org.junit.jupiter.api.Assertions.assertNotEquals(a.getEventKey(), c.getEventKey());
    }
}
