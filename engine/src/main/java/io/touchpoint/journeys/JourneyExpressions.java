package io.touchpoint.journeys;

import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.el.JuelExpressionManager;
import org.camunda.bpm.engine.impl.el.VariableContextElResolver;
import org.camunda.bpm.engine.impl.el.VariableScopeElResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ArrayELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.BeanELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.CompositeELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ELContext;
import org.camunda.bpm.impl.juel.jakarta.el.ELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ListELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.MapELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.MethodNotFoundException;
import org.camunda.bpm.impl.juel.jakarta.el.PropertyNotFoundException;
import org.camunda.bpm.impl.juel.jakarta.el.PropertyNotWritableException;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Evaluates every expression of every journey, whenever and however it was deployed, with only what
 * {@link DeploymentPolicy} allows: the journey's variables (maps and lists read-only), the allow-listed beans and
 * their allow-listed methods, and a few reads of {@code execution}. Any other bean is unknown, and any other method
 * call or property read of a Java object ({@code ''.getClass()}, {@code x.class}) fails the expression. Replaces the
 * Spring integration's expression manager, which exposes every bean of the application and every method.
 */
@Component
public class JourneyExpressions extends AbstractProcessEnginePlugin {

    private final ApplicationContext context;

    JourneyExpressions(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setExpressionManager(new Manager(name -> context.containsBean(name) ? context.getBean(name) : null));
    }

    /** The expression manager; {@code beans} finds a bean by name (only allow-listed names are asked). */
    public static class Manager extends JuelExpressionManager {

        private final Function<String, Object> beans;

        public Manager(Function<String, Object> beans) {
            this.beans = beans;
        }

        @Override
        protected ELResolver createElResolver() {
            CompositeELResolver values = new CompositeELResolver();
            values.add(new VariableScopeElResolver());
            values.add(new VariableContextElResolver());
            values.add(new AllowedBeans(beans));
            values.add(new ArrayELResolver(true));
            values.add(new ListELResolver(true));
            values.add(new MapELResolver(true));
            return new AllowList(values, beans);
        }
    }

    /** Resolves the allow-listed bean names, nothing else. */
    private static final class AllowedBeans extends ELResolver {

        private final Function<String, Object> beans;

        AllowedBeans(Function<String, Object> beans) {
            this.beans = beans;
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (base == null && property instanceof String name
                    && (DeploymentPolicy.BEAN_METHODS.containsKey(name) || DeploymentPolicy.DELEGATES.contains(name))) {
                Object bean = beans.apply(name);
                if (bean != null) {
                    context.setPropertyResolved(true);
                    return bean;
                }
            }
            return null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return Object.class;
        }
    }

    /** Lets through variable and collection reads; method calls and bean reads only as allow-listed. */
    private static final class AllowList extends ELResolver {

        private final ELResolver values;
        private final Function<String, Object> beans;
        private final BeanELResolver reflection = new BeanELResolver(true);

        AllowList(ELResolver values, Function<String, Object> beans) {
            this.values = values;
            this.beans = beans;
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (isValue(base)) {
                return values.getValue(context, base, property);
            }
            if (base instanceof DelegateExecution && DeploymentPolicy.EXECUTION_PROPERTIES.contains(String.valueOf(property))) {
                return reflection.getValue(context, base, property);
            }
            throw new PropertyNotFoundException("A journey may not read '" + property + "' of a " + base.getClass().getName());
        }

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
            String name = String.valueOf(method);
            if (mayCall(base, name)) {
                return reflection.invoke(context, base, method, paramTypes, params);
            }
            throw new MethodNotFoundException("A journey may not call '" + name + "' on a "
                    + (base == null ? "null" : base.getClass().getName()) + " (allowed: the building blocks' beans and execution.getVariable)");
        }

        private boolean mayCall(Object base, String method) {
            if (base instanceof DelegateExecution) {
                return DeploymentPolicy.EXECUTION_METHODS.contains(method);
            }
            return DeploymentPolicy.BEAN_METHODS.entrySet().stream()
                    .anyMatch(bean -> bean.getValue().contains(method) && base != null && beans.apply(bean.getKey()) == base);
        }

        private static boolean isValue(Object base) {
            return base == null || base instanceof Map || base instanceof List || base.getClass().isArray();
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return isValue(base) ? values.getType(context, base, property) : null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            if (base != null) {
                throw new PropertyNotWritableException("A journey may not change '" + property + "' of a " + base.getClass().getName());
            }
            values.setValue(context, base, property, value);
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return base != null || values.isReadOnly(context, base, property);
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return isValue(base) ? values.getCommonPropertyType(context, base) : null;
        }
    }
}
