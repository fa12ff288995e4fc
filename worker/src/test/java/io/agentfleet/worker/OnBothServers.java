package io.agentfleet.worker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs a test once against the devserver and once against the real {@code livekit-server}, each
 * time with a {@link TestFleet} parameter. One server of each kind serves every test of the class
 * (the real one takes a second or two to start); the fleet closes its workers after each test and
 * waits until the server has dropped them, so the next test starts with no workers.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(OnBothServers.Invocations.class)
@interface OnBothServers {
  /** Runs per server, for races that show only sometimes. */
  int repetitions() default 1;

  /** One invocation per server kind (and repetition). */
  final class Invocations implements TestTemplateInvocationContextProvider {
    private static final ExtensionContext.Namespace SERVERS =
        ExtensionContext.Namespace.create(OnBothServers.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
      return context.getRequiredTestMethod().isAnnotationPresent(OnBothServers.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
        ExtensionContext context) {
      int repetitions =
          context.getRequiredTestMethod().getAnnotation(OnBothServers.class).repetitions();
      List<TestTemplateInvocationContext> invocations = new ArrayList<>();
      for (ServerUnderTest.Kind kind : ServerUnderTest.Kind.values()) {
        for (int i = 1; i <= repetitions; i++) {
          String name = repetitions == 1 ? kind.toString() : kind + " " + i + "/" + repetitions;
          invocations.add(invocation(kind, name));
        }
      }
      return invocations.stream();
    }

    private static TestTemplateInvocationContext invocation(
        ServerUnderTest.Kind kind, String name) {
      return new TestTemplateInvocationContext() {
        @Override
        public String getDisplayName(int index) {
          return "[" + name + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
          return List.of(new FleetParameter(kind));
        }
      };
    }

    /** The class's shared server of this kind, started on first use, stopped after the class. */
    private static ServerUnderTest server(ExtensionContext context, ServerUnderTest.Kind kind) {
      ExtensionContext classContext = context;
      while (!(classContext.getElement().orElse(null) instanceof Class<?>)) {
        classContext = classContext.getParent().orElseThrow();
      }
      return classContext
          .getStore(SERVERS)
          .computeIfAbsent(
              kind,
              k -> {
                try {
                  return k.start(context.getRequiredTestClass().getSimpleName());
                } catch (Exception e) {
                  throw new IllegalStateException(k + " did not start", e);
                }
              },
              ServerUnderTest.class);
    }
  }

  /** Gives the test its fleet and closes it afterwards. */
  final class FleetParameter implements ParameterResolver, AfterEachCallback {
    private final ServerUnderTest.Kind kind;
    private TestFleet fleet;

    FleetParameter(ServerUnderTest.Kind kind) {
      this.kind = kind;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == TestFleet.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      if (fleet == null) {
        fleet = TestFleet.on(Invocations.server(context, kind));
      }
      return fleet;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
      if (fleet != null) {
        fleet.close();
      }
    }
  }
}
