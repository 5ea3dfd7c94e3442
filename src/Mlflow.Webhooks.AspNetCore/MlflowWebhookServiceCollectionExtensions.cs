using Microsoft.Extensions.DependencyInjection.Extensions;
using Mlflow.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MLflow webhook verifier and de-duplication hook.</summary>
public static class MlflowWebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="WebhookVerifier"/> configured by <paramref name="configure"/>. The clock defaults
    /// to the container's <see cref="TimeProvider"/> when one is registered, else <see cref="TimeProvider.System"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the secrets (required) and, optionally, tolerance, body limit, payload reader, clock.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMlflowWebhooks(this IServiceCollection services, Action<WebhookVerifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Replace(ServiceDescriptor.Singleton(provider =>
        {
            var options = new WebhookVerifierOptions { TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System };
            configure(options);
            return new WebhookVerifier(options);
        }));
        return services;
    }

    /// <summary>
    /// Registers an <see cref="InMemoryWebhookDeliveryDeduplicator"/> as the <see cref="IWebhookDeliveryDeduplicator"/>
    /// (for a single receiver instance; register a shared-store implementation for several).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="retention">How long handled delivery ids are remembered; default 10 minutes.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMlflowWebhookDeduplication(this IServiceCollection services, TimeSpan? retention = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<IWebhookDeliveryDeduplicator>(provider =>
            new InMemoryWebhookDeliveryDeduplicator(
                retention ?? InMemoryWebhookDeliveryDeduplicator.DefaultRetention,
                InMemoryWebhookDeliveryDeduplicator.DefaultCapacity,
                provider.GetService<TimeProvider>())));
        return services;
    }
}
