package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The IPN/LCN signature and read-receipt rules against every vector in 2checkout-vectors.md (V3-V5).
 * The request bodies in src/test/resources/vectors are the vector tables URL-encoded in POST order.
 */
class HmacVectorsTest {

    private static final String DOC_KEY = "AABBCCDDEEFF";

    private static SignedForm vector(String name) throws IOException {
        try (InputStream in = HmacVectorsTest.class.getResourceAsStream("/vectors/" + name + ".form")) {
            return SignedForm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static String sign(HmacAlgorithm algorithm, String key, SignedForm form) {
        return HmacSignature.hmacHex(algorithm, key, form.signedValues());
    }

    @Test
    void v3aPublishedWooCommerceFixture() throws IOException {
        SignedForm form = vector("v3a");
        assertThat(new String(HmacSignature.source(form.signedValues()), StandardCharsets.UTF_8)).hasSize(647).startsWith(
                "10192020-08-04 16:37:50190000-00-00 00:00:00912961133228000107PENDING").endsWith("122501112068760");
        assertThat(sign(HmacAlgorithm.MD5, "test", form)).isEqualTo("0fd2263ec78170040c100d851bf4644c").isEqualTo(form.get("HASH"));
        assertThat(sign(HmacAlgorithm.SHA256, "test", form))
                .isEqualTo("3d22d287c6ac7833d3877735b72b56b1d4ce20f5b8a8fd662bb2540c77e04a01");
        assertThat(sign(HmacAlgorithm.SHA3_256, "test", form))
                .isEqualTo("150fc073829be9fb71daa887444f31f9d7d2dfb9c8f7f8d85733dfa8eb2cd7df");
        // The same file's plain HMAC check.
        assertThat(HmacSignature.hmacHex(HmacAlgorithm.MD5, "test", "TestString".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("a299fb35e2c113b7d72e8f7afa7ae1f7");
    }

    @Test
    void v3aNegativeTwinFails() throws IOException {
        String raw = body("v3a").replace("IPN_PNAME%5B%5D=Woocomerce", "IPN_PNAME%5B%5D=WooCommerce")
                .replace("IPN_PNAME[]=Woocomerce", "IPN_PNAME[]=WooCommerce");
        SignedForm tampered = SignedForm.parse(raw);
        assertThat(tampered.get("IPN_PNAME")).isEqualTo("WooCommerce 2CO connector");
        assertThat(sign(HmacAlgorithm.MD5, "test", tampered)).isNotEqualTo("0fd2263ec78170040c100d851bf4644c");
        // A posted hash that differs in its fourth hex digit never verifies.
        assertThat(HmacSignature.hexEquals(sign(HmacAlgorithm.MD5, "test", vector("v3a")), "0fd3263ec78170040c100d851bf4644c")).isFalse();
    }

    @Test
    void v3bPublishedNodeSdkFixture() throws IOException {
        SignedForm form = vector("v3b");
        assertThat(HmacSignature.source(form.signedValues())).hasSize(633);
        String key = "#test_Secret-keY";
        assertThat(sign(HmacAlgorithm.MD5, key, form)).isEqualTo("294570c4158e879029d622c0165c409d").isEqualTo(form.get("HASH"));
        assertThat(sign(HmacAlgorithm.SHA256, key, form))
                .isEqualTo("9fbd41fdcfec95829c8458b7a25324bdf97778d16a19cd270f8bd89829aff14e");
        assertThat(sign(HmacAlgorithm.SHA3_256, key, form))
                .isEqualTo("0e9b7b2b5a8a724a3e52cd31ec78e5e2db762dc8827f4d1af46c6d262ac37978");
        // The SDK's expand() helper: nested values flattened in order.
        assertThat(HmacSignature.hmacHex(HmacAlgorithm.MD5, key, List.of("value1", "value2", "value3", "value4")))
                .isEqualTo("f0e3cdda89e0886b412f90dcfac51a0f");
    }

    @Test
    void v3cMultiProductUtf8EmptyAndZeroValues() throws IOException {
        SignedForm form = vector("v3c");
        byte[] source = HmacSignature.source(form.signedValues());
        assertThat(source).hasSize(383);
        assertThat(HexFormat.of().formatHex(source)).startsWith("3139323032342d30352d31342031303a31313a3132")
                .endsWith("38415050524f56454431343230323430353134313031353030");
        assertThat(new String(source, StandardCharsets.UTF_8)).contains("4Zoë10Ångström21Müller & Söhne GmbH", "00598.00",
                "22Licență Pro – 1 an6Add-on", "108APPROVED");
        for (HmacAlgorithm a : HmacAlgorithm.values()) {
            assertThat(sign(a, DOC_KEY, form)).as(a.label()).isEqualTo(form.get(a.field()));
        }
        assertThat(form.array("IPN_PID")).containsExactly("12345678", "87654321");
        assertThat(form.array("IPN_PNAME")).containsExactly("Licență Pro – 1 an", "Add-on");
    }

    @Test
    void v3cNegativeVectorsFromCommonBugsAreRejected() throws IOException {
        String ours3 = sign(HmacAlgorithm.SHA3_256, DOC_KEY, vector("v3c"));
        String ours2 = sign(HmacAlgorithm.SHA256, DOC_KEY, vector("v3c"));
        String ours1 = sign(HmacAlgorithm.MD5, DOC_KEY, vector("v3c"));
        Map<String, String[]> bugs = Map.of(
                "character count", new String[] {"3c6cf050fcff1b29663e1c377037bffd",
                        "e371de97151de6c428b0a9deea72024a3e2d755eb22e862c5d2ab9d5d4938f8c",
                        "cd8995f3fad6ee54945d53f9bda4dfa56516cbb56160349fe09c67132f20adb8"},
                "sorted by name", new String[] {"b0beced56d6cf85331a782a372443f1a",
                        "58215bc66cb4d2fa5a0a3fe267e0e3ca272bbca7d730c14594a75251cdb7046b",
                        "bb8febbf45632f2af9c0017fb4f816900cca2994d5258cb51767559e0c190508"},
                "first array element only", new String[] {"3c6256a0c82b3512ea0d360688992f1c",
                        "2becad7e0288f732f4965c5d925bd316e2669eb95ba86473cefc9c027e18daa9",
                        "396d52b90ad27d86add8b0920892efc58dfac594c274474dd37f2f4f0d313ab0"});
        bugs.forEach((bug, posted) -> {
            assertThat(HmacSignature.hexEquals(ours1, posted[0])).as(bug).isFalse();
            assertThat(HmacSignature.hexEquals(ours2, posted[1])).as(bug).isFalse();
            assertThat(HmacSignature.hexEquals(ours3, posted[2])).as(bug).isFalse();
        });
        // And our implementation of each bug reproduces the doc's value, so the rejection is for the right reason.
        SignedForm form = vector("v3c");
        List<String> firstOnly = new ArrayList<>();
        form.grouped().forEach((name, values) -> {
            if (!HmacAlgorithm.isSignatureField(name)) {
                firstOnly.add(values.get(0));
            }
        });
        assertThat(HmacSignature.hmacHex(HmacAlgorithm.MD5, DOC_KEY, firstOnly)).isEqualTo("3c6256a0c82b3512ea0d360688992f1c");
    }

    /** Every field of V3c changed in turn (one character appended, or emptied) must break all three signatures. */
    @ParameterizedTest
    @EnumSource(HmacAlgorithm.class)
    void everyTamperedFieldFailsVerification(HmacAlgorithm algorithm) throws IOException {
        List<FormBody.Field> fields = SignedForm.parse(body("v3c")).form().fields();
        String posted = vector("v3c").get(algorithm.field());
        int checked = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (HmacAlgorithm.isSignatureField(fields.get(i).name())) {
                continue;
            }
            for (String replacement : List.of(fields.get(i).value() + "x", fields.get(i).value().isEmpty() ? "0" : "",
                    fields.get(i).value() + " ")) {
                List<FormBody.Field> changed = new ArrayList<>(fields);
                changed.set(i, new FormBody.Field(fields.get(i).name(), replacement));
                SignedForm tampered = SignedForm.parse(encode(changed));
                assertThat(HmacSignature.hexEquals(sign(algorithm, DOC_KEY, tampered), posted))
                        .as("%s with %s changed to '%s'", algorithm, fields.get(i).name(), replacement).isFalse();
                checked++;
            }
            // Dropping the field breaks it too.
            List<FormBody.Field> dropped = new ArrayList<>(fields);
            dropped.remove(i);
            assertThat(HmacSignature.hexEquals(sign(algorithm, DOC_KEY, SignedForm.parse(encode(dropped))), posted))
                    .as("%s without %s", algorithm, fields.get(i).name()).isFalse();
        }
        assertThat(checked).isEqualTo(38 * 3);
        // A wrong key never verifies.
        assertThat(HmacSignature.hexEquals(sign(algorithm, "AABBCCDDEEFG", vector("v3c")), posted)).isFalse();
    }

    @Test
    void swappingTwoScalarFieldsFailsVerification() throws IOException {
        List<FormBody.Field> fields = new ArrayList<>(SignedForm.parse(body("v3c")).form().fields());
        FormBody.Field city = fields.get(12);
        fields.set(12, fields.get(13));
        fields.set(13, city);
        assertThat(sign(HmacAlgorithm.SHA256, DOC_KEY, SignedForm.parse(encode(fields))))
                .isNotEqualTo(vector("v3c").get("SIGNATURE_SHA2_256"));
    }

    @Test
    void interleavedArrayKeysAreGroupedAsPhpDoes() {
        SignedForm form = SignedForm.parse("A=1&P%5B%5D=x&N%5B%5D=a&P%5B%5D=y&N%5B%5D=b&Z=0&HASH=ff");
        assertThat(form.signedValues()).containsExactly("1", "x", "y", "a", "b", "0");
        assertThat(new String(HmacSignature.source(form.signedValues()), StandardCharsets.UTF_8)).isEqualTo("111x1y1a1b10");
    }

    @Test
    void repeatedScalarFieldIsMalformed() {
        assertThatThrownBy(() -> SignedForm.parse("REFNO=1&REFNO=2")).isInstanceOf(MalformedNotificationException.class)
                .hasMessageContaining("REFNO");
        assertThatThrownBy(() -> SignedForm.parse("X=1&X%5B%5D=2")).isInstanceOf(MalformedNotificationException.class);
    }

    @Test
    void signatureFieldsAreSkippedWhereverTheyAppear() {
        SignedForm form = SignedForm.parse("HASH=aa&A=1&SIGNATURE_SHA2_256=bb&B=2&SIGNATURE_SHA3_256=cc");
        assertThat(form.signedValues()).containsExactly("1", "2");
        assertThat(form.byteLengths()).isEqualTo("A=1 B=1");
    }

    @Test
    void v4aPublishedIpnReceipt() {
        assertThat(new String(HmacSignature.source(List.of("1", "Software program", "20050303123434", "20050303123434")),
                StandardCharsets.UTF_8)).isEqualTo("1116Software program14200503031234341420050303123434");
        String pid = "1", name = "Software program", date = "20050303123434";
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.MD5, DOC_KEY, pid, name, date, date))
                .isEqualTo("<EPAYMENT>20050303123434|7bf97ed39681027d0c45aa45e3ea98f0</EPAYMENT>");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA256, DOC_KEY, pid, name, date, date)).isEqualTo(
                "<sig algo=\"sha256\" date=\"20050303123434\">ea6f44c39b3d204b59500998fcb9221c92744d9721a94b45fc6d5cda99980176</sig>");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA3_256, DOC_KEY, pid, name, date, date)).isEqualTo(
                "<sig algo=\"sha3-256\" date=\"20050303123434\">85180497aaaa4844a278b52b1ce257d2820dbf5857470a5f678fef2266d0d4a8</sig>");
    }

    @Test
    void v4bReceiptWithMultiByteProductName() {
        String pid = "12345678", name = "Licență Pro – 1 an", ipnDate = "20240514101500", date = "20240514101502";
        assertThat(HmacSignature.source(List.of(pid, name, ipnDate, date))).hasSize(65);
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.MD5, DOC_KEY, pid, name, ipnDate, date))
                .isEqualTo("<EPAYMENT>20240514101502|be88e025749ebddf8f9c0e32f363950d</EPAYMENT>");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA256, DOC_KEY, pid, name, ipnDate, date)).isEqualTo(
                "<sig algo=\"sha256\" date=\"20240514101502\">a9000d258b4cb84cb32625e5d2de7c6222e46f4007d5ecd8fa666bf2e4fa0995</sig>");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA3_256, DOC_KEY, pid, name, ipnDate, date)).isEqualTo(
                "<sig algo=\"sha3-256\" date=\"20240514101502\">5f35ebfc9cb059d1266973ea90840915ab243ec5f8a38ab72bdc5a410aab3582</sig>");
        // What the character-counting SDKs send is not what we send.
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.MD5, DOC_KEY, pid, name, ipnDate, date)).doesNotContain("c702e38b5c6f35b783ff10a096fc1575");
    }

    @Test
    void v4cReceiptForNodeSdkFixture() {
        String key = "#test_Secret-keY";
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.MD5, key, "35269746", "Colored Pencil", "20210416143408", "20210416143500"))
                .isEqualTo("<EPAYMENT>20210416143500|8e1a7c948e8f4c84b79ef2a820c3dfb4</EPAYMENT>");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA256, key, "35269746", "Colored Pencil", "20210416143408", "20210416143500"))
                .contains("449d4d0dd9ecce7d8c2d9e66f7e9c7ed2820e1444442b0563356ba3dbd28d5be");
        assertThat(ReadReceipt.forIpn(HmacAlgorithm.SHA3_256, key, "35269746", "Colored Pencil", "20210416143408", "20210416143500"))
                .contains("b18af39764dc1d8a6382d72b2e3d2df79e3dbb22184c14dc8b176e92fc0481dd");
    }

    @Test
    void v5aPublishedLcnReceipt() {
        assertThat(new String(HmacSignature.source(List.of("3C343D0FAF", "2005-03-03", "20081117145935")), StandardCharsets.UTF_8))
                .isEqualTo("103C343D0FAF102005-03-031420081117145935");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.MD5, DOC_KEY, "3C343D0FAF", "2005-03-03", "20081117145935"))
                .isEqualTo("<EPAYMENT>20081117145935|cb34fe2991668eb82364edf62f845a34</EPAYMENT>");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.SHA256, DOC_KEY, "3C343D0FAF", "2005-03-03", "20081117145935")).isEqualTo(
                "<sig algo=\"sha256\" date=\"20081117145935\">cdd64ce75e6cf013a60291229c83063a5d903eae3bfa216e99aae8af65a055e8</sig>");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.SHA3_256, DOC_KEY, "3C343D0FAF", "2005-03-03", "20081117145935")).isEqualTo(
                "<sig algo=\"sha3-256\" date=\"20081117145935\">7fc19d21103ea56f1b413315fb3feb5fbdd137758623a73c7ed12d9bb84f21db</sig>");
    }

    @Test
    void v5bLcnRequestAndV5cReply() throws IOException {
        SignedForm form = vector("v5b");
        assertThat(HmacSignature.source(form.signedValues())).hasSize(215);
        for (HmacAlgorithm a : HmacAlgorithm.values()) {
            assertThat(sign(a, DOC_KEY, form)).as(a.label()).isEqualTo(form.get(a.field()));
        }
        String code = form.get("LICENSE_CODE"), exp = form.get("EXPIRATION_DATE");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.MD5, DOC_KEY, code, exp, "20240601080005"))
                .isEqualTo("<EPAYMENT>20240601080005|00b9b33281e35d89d1d5b29fb6e6060e</EPAYMENT>");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.SHA256, DOC_KEY, code, exp, "20240601080005")).isEqualTo(
                "<sig algo=\"sha256\" date=\"20240601080005\">7a91b6eae0578d5f3d96757237f59fb01e204a285048ffa47e2beec2f14eb225</sig>");
        assertThat(ReadReceipt.forLcn(HmacAlgorithm.SHA3_256, DOC_KEY, code, exp, "20240601080005")).isEqualTo(
                "<sig algo=\"sha3-256\" date=\"20240601080005\">099a4cae11f3e3561821a9e1c4d0ba07fbca64259c5662505ea0ac19afab448b</sig>");
    }

    private static String body(String name) throws IOException {
        try (InputStream in = HmacVectorsTest.class.getResourceAsStream("/vectors/" + name + ".form")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String encode(List<FormBody.Field> fields) {
        StringBuilder out = new StringBuilder();
        for (FormBody.Field f : fields) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(f.name(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(f.value(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
