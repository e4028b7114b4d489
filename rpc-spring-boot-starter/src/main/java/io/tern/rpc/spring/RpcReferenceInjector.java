package io.tern.rpc.spring;

import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills {@link RpcReference} fields with proxies from {@link RpcReferences}, before the bean's init methods run
 * (like {@code @Autowired} fields). The consumer side is looked up only when a bean has such a field.
 */
class RpcReferenceInjector implements InstantiationAwareBeanPostProcessor, BeanFactoryAware {
    private final ObjectProvider<RpcReferences> references;
    private final Map<Class<?>, List<Field>> fieldsByClass = new ConcurrentHashMap<>();
    private ConfigurableBeanFactory beanFactory;

    RpcReferenceInjector(ObjectProvider<RpcReferences> references) {
        this.references = references;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (beanFactory instanceof ConfigurableBeanFactory c) {
            this.beanFactory = c;
        }
    }

    @Override
    public PropertyValues postProcessProperties(PropertyValues pvs, Object bean, String beanName) {
        List<Field> fields = fieldsByClass.computeIfAbsent(bean.getClass(), RpcReferenceInjector::referenceFields);
        if (fields.isEmpty()) {
            return pvs;
        }
        RpcReferences refs = references.getObject();
        for (Field field : fields) {
            String where = "@RpcReference on " + field.getDeclaringClass().getName() + "." + field.getName();
            Object proxy = refs.get(field.getType(), ReferenceSettings.of(field.getAnnotation(RpcReference.class)), where);
            ReflectionUtils.makeAccessible(field);
            ReflectionUtils.setField(field, bean, proxy);
        }
        if (beanFactory != null && beanName != null && beanFactory.containsBean("rpcReferences")) {
            beanFactory.registerDependentBean("rpcReferences", beanName); // destroyed before the consumer closes
        }
        return pvs;
    }

    private static List<Field> referenceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        ReflectionUtils.doWithFields(type, field -> {
            if (field.isAnnotationPresent(RpcReference.class)) {
                String where = "@RpcReference on " + field.getDeclaringClass().getName() + "." + field.getName();
                if (Modifier.isStatic(field.getModifiers())) {
                    throw new RpcConfigurationException(where, where + ": the field is static; use an instance field");
                }
                if (Modifier.isFinal(field.getModifiers())) {
                    throw new RpcConfigurationException(where, where + ": the field is final; remove final (or use RpcReferences in a constructor)");
                }
                fields.add(field);
            }
        });
        return List.copyOf(fields);
    }
}
