package io.github.twocheckout.connector.simulator;

/**
 * One call the simulator makes, ready to post: the channel, a label for people, the path (with the
 * merchant parameter) and the signed form. {@code expectedCodes}: for a key-generator call, how many
 * codes the answer must carry when the simulator knows (null = at least one).
 */
public record SimCall(Channel channel, String label, String path, FormFields form, SimVendor vendor, String orderRef,
                      Integer expectedCodes) {

    public enum Channel {
        INS("/2co/ins"), IPN("/2co/ipn"), LCN("/2co/lcn"), KEYGEN("/2co/keygen");

        public final String path;

        Channel(String path) {
            this.path = path;
        }
    }

    public String body() {
        return form.encode();
    }
}
