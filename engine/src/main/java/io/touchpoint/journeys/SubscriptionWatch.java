package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.CachedDbEntity;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.event.EventType;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandContextListener;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.entity.EventSubscriptionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Tells {@link RunWaits} what each engine command did to message subscriptions of runs: when the command ends
 * (before the engine writes), the subscriptions in its entity cache that it inserted, changed (a migration, an
 * execution tree that grew) or deleted (a run moved on, ended, was cancelled or erased) become changes of the
 * customer (the run's business key), written to the map after the transaction commits.
 */
@Component
class SubscriptionWatch extends AbstractProcessEnginePlugin {

    private final ObjectProvider<RunWaits> waits;
    private final JourneyTriggers triggers;

    SubscriptionWatch(ObjectProvider<RunWaits> waits, JourneyTriggers triggers) {
        this.waits = waits;
        this.triggers = triggers;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomSessionFactories() == null) {
            configuration.setCustomSessionFactories(new ArrayList<>());
        }
        configuration.getCustomSessionFactories().add(new WatchFactory());
        if (configuration.getCustomPostCommandInterceptorsTxRequired() == null) {
            configuration.setCustomPostCommandInterceptorsTxRequired(new ArrayList<>());
        }
        configuration.getCustomPostCommandInterceptorsTxRequired().add(new Watching());
        if (configuration.getCustomPostCommandInterceptorsTxRequiresNew() == null) {
            configuration.setCustomPostCommandInterceptorsTxRequiresNew(new ArrayList<>());
        }
        configuration.getCustomPostCommandInterceptorsTxRequiresNew().add(new Watching());
    }

    /** Opens the watch of the command context once (a command nested in another shares its context and its watch). */
    private static final class Watching extends CommandInterceptor {
        @Override
        public <T> T execute(Command<T> command) {
            Context.getCommandContext().getSession(Watch.class);
            return next.execute(command);
        }
    }

    private final class WatchFactory implements SessionFactory {
        @Override
        public Class<?> getSessionType() {
            return Watch.class;
        }

        @Override
        public Session openSession() {
            Watch watch = new Watch();
            Context.getCommandContext().registerCommandContextListener(watch);
            return watch;
        }
    }

    /** One command context's watch: reads the entity cache when the command has succeeded, before it is flushed. */
    private final class Watch implements Session, CommandContextListener {
        @Override
        public void onCommandContextClose(CommandContext context) {
            DbEntityCache cache = context.getDbEntityManager().getDbEntityCache();
            List<RunWaits.Change> changes = new ArrayList<>();
            for (EventSubscriptionEntity subscription : cache.getEntitiesByType(EventSubscriptionEntity.class)) {
                if (!EventType.MESSAGE.name().equals(subscription.getEventType()) || subscription.getProcessInstanceId() == null) {
                    continue;
                }
                CachedDbEntity cached = cache.getCachedEntity(subscription);
                switch (cached.getEntityState()) {
                    case TRANSIENT -> changes.add(change(context, cache, subscription, true));
                    case PERSISTENT -> {
                        if (cached.isDirty()) {
                            changes.add(change(context, cache, subscription, true));
                        }
                    }
                    case MERGED -> changes.add(change(context, cache, subscription, true));
                    case DELETED_PERSISTENT, DELETED_MERGED -> changes.add(change(context, cache, subscription, false));
                    default -> { } // inserted and deleted in this command: never written
                }
            }
            changes.removeIf(change -> change.customerId() == null); // a run without a business key: no event reaches it
            if (!changes.isEmpty()) {
                waits.getObject().changed(changes);
            }
        }

        @Override
        public void onCommandFailed(CommandContext context, Throwable failure) {
            // nothing is written
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * Has the run's waits written again when this command ends, as the run is now (its customer, its version): for
     * what changes a run but not its subscriptions, a new business key or a migration to another version. The ids of
     * the run's message subscriptions.
     */
    static List<String> rewriteWaitsOf(CommandContext context, String processInstanceId) {
        List<String> rewritten = new ArrayList<>();
        DbEntityCache cache = context.getDbEntityManager().getDbEntityCache();
        for (EventSubscriptionEntity subscription : context.getEventSubscriptionManager().findEventSubscriptionsByProcessInstanceId(processInstanceId)) {
            if (EventType.MESSAGE.name().equals(subscription.getEventType())) {
                cache.getCachedEntity(subscription).forceSetDirty();
                rewritten.add(subscription.getId());
            }
        }
        return rewritten;
    }

    private RunWaits.Change change(CommandContext context, DbEntityCache cache, EventSubscriptionEntity subscription, boolean waiting) {
        ExecutionEntity run = cache.get(ExecutionEntity.class, subscription.getProcessInstanceId());
        if (run == null) {
            run = context.getExecutionManager().findExecutionById(subscription.getProcessInstanceId());
        }
        String customerId = run == null ? null : run.getBusinessKey();
        if (!waiting || customerId == null) {
            return new RunWaits.Change(customerId, subscription.getId(), null);
        }
        String definitionId = run.getProcessDefinitionId();
        Object instanceKey = triggers.settings(definitionId).keyed() ? run.getVariableLocal(JourneyDispatcher.INSTANCE_KEY) : null;
        return new RunWaits.Change(customerId, subscription.getId(), new RunWaits.Wait(subscription.getId(), subscription.getEventName(),
                subscription.getExecutionId(), subscription.getProcessInstanceId(), definitionId, instanceKey == null ? null : instanceKey.toString()));
    }
}
