package io.github.twocheckout.connector.simulator;

/** The buyer of a simulated order. */
public record SimCustomer(String firstName, String lastName, String email, String company, String country) {

    public static SimCustomer sample() {
        return new SimCustomer("Zoë", "Ångström-Müller", "zoe.angstrom@example.com", "Bücher & Söhne GmbH", "DE");
    }

    public String fullName() {
        return (firstName + " " + lastName).trim();
    }
}
