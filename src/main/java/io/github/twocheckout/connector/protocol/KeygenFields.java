package io.github.twocheckout.connector.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * Which posted fields the key-generator call is read from. 2Checkout's parameter table for dynamic
 * lists is not public in full (protocols doc section 4.2), so each value is a comma-separated list of
 * names tried in order; {@code NAME[]} means an array, one element per order line. An integration
 * engineer who captures a real call with other names changes {@code keygen.fields.*}, not Java.
 */
public class KeygenFields {

    private List<String> orderRef = split("REFNO");
    private List<String> productId = split("PID,PRODUCT_ID,IPN_PID[]");
    private List<String> productCode = split("PCODE,PRODUCT_CODE,IPN_PCODE[]");
    private List<String> productName = split("PNAME,PRODUCT_NAME,IPN_PNAME[]");
    private List<String> quantity = split("QUANTITY,QTY,IPN_QTY[]");
    private List<String> licenseRef = split("LICENSE_REF,IPN_LICENSE_REF[]");
    private List<String> testOrder = split("TESTORDER,TEST_ORDER");
    private List<String> merchant = split("MERCHANT,VENDOR_CODE");
    private List<String> firstName = split("FIRSTNAME,FIRST_NAME");
    private List<String> lastName = split("LASTNAME,LAST_NAME");
    private List<String> email = split("EMAIL,CUSTOMEREMAIL");

    static List<String> split(String names) {
        return Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public List<String> orderRef() {
        return orderRef;
    }

    public List<String> productId() {
        return productId;
    }

    public List<String> productCode() {
        return productCode;
    }

    public List<String> productName() {
        return productName;
    }

    public List<String> quantity() {
        return quantity;
    }

    public List<String> licenseRef() {
        return licenseRef;
    }

    public List<String> testOrder() {
        return testOrder;
    }

    public List<String> merchant() {
        return merchant;
    }

    public List<String> firstName() {
        return firstName;
    }

    public List<String> lastName() {
        return lastName;
    }

    public List<String> email() {
        return email;
    }

    public void setOrderRef(String names) {
        this.orderRef = split(names);
    }

    public void setProductId(String names) {
        this.productId = split(names);
    }

    public void setProductCode(String names) {
        this.productCode = split(names);
    }

    public void setProductName(String names) {
        this.productName = split(names);
    }

    public void setQuantity(String names) {
        this.quantity = split(names);
    }

    public void setLicenseRef(String names) {
        this.licenseRef = split(names);
    }

    public void setTestOrder(String names) {
        this.testOrder = split(names);
    }

    public void setMerchant(String names) {
        this.merchant = split(names);
    }

    public void setFirstName(String names) {
        this.firstName = split(names);
    }

    public void setLastName(String names) {
        this.lastName = split(names);
    }

    public void setEmail(String names) {
        this.email = split(names);
    }
}
