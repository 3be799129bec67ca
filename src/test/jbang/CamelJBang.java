///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.apache.camel:camel-jbang-core:4.17.0
// The Camel CLI (`camel`) as JBang's official CamelJBang script starts it; 4.17.0 because the 4.18 CLI
// is not on Maven Central as reached from the build machines.
import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

class CamelJBang {
    public static void main(String... args) throws Exception {
        CamelJBangMain.run(args);
    }
}
