package io.github.twocheckout.connector.mail;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * An email's fields as variables of their own, named as the templates in config/mail write them: the
 * property orderRef of variable "mail" becomes variable "mail.orderRef". The simple language looks a
 * {@code ${variable.mail.orderRef}} up by its full name first; only when no such variable exists does it
 * call the getter, through the bean language on a copy of the whole exchange. A vendor's success email
 * read nine fields that way, the largest share of a key generator call's allocations. The templates read
 * the same values either way, so a template written for any other property still works.
 */
public class MailTemplateFields {

    private static final String MAIL = "mail";

    /** The readable properties of each email class (VendorMail, AlertMail), found once. */
    private final Map<Class<?>, List<Property>> properties = new ConcurrentHashMap<>();

    /**
     * Sets variable "mail.&lt;property&gt;" for every readable property of variable "mail", after removing
     * those of an email composed before on the same exchange (a field that email had and this one has not
     * would otherwise show the earlier value).
     */
    public void expose(Exchange exchange) throws ReflectiveOperationException {
        for (String name : List.copyOf(exchange.getVariables().keySet())) {
            if (name.startsWith(MAIL + ".")) {
                exchange.removeVariable(name);
            }
        }
        Object mail = exchange.getVariable(MAIL);
        if (mail == null) {
            return;
        }
        for (Property property : properties.computeIfAbsent(mail.getClass(), MailTemplateFields::readable)) {
            exchange.setVariable(property.variable(), property.getter().invoke(mail));
        }
    }

    private static List<Property> readable(Class<?> type) {
        try {
            List<Property> readable = new ArrayList<>();
            for (PropertyDescriptor descriptor : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
                Method getter = descriptor.getReadMethod();
                if (getter != null && getter.getParameterCount() == 0) {
                    readable.add(new Property(MAIL + "." + descriptor.getName(), getter));
                }
            }
            return List.copyOf(readable);
        } catch (IntrospectionException e) {
            throw new IllegalStateException("cannot read the properties of " + type.getName(), e);
        }
    }

    private record Property(String variable, Method getter) {
    }
}
