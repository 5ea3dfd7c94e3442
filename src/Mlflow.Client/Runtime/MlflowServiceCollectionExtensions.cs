using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mlflow;

/// <summary>Dependency-injection registration of <see cref="MlflowClient"/>.</summary>
public static class MlflowServiceCollectionExtensions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string ConfigurationSection = "Mlflow";

    /// <summary>The name of the <see cref="HttpClient"/> registered with <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "Mlflow.Client";

    /// <summary>
    /// Registers <see cref="MlflowClient"/> (transient, over <c>IHttpClientFactory</c>) with options bound from the
    /// configuration section <c>Mlflow</c> when an <see cref="IConfiguration"/> is registered, then
    /// <paramref name="configure"/>; environment variables fill what is still unset. The HTTP pipeline
    /// (<see cref="MlflowHttpPipeline"/>) uses the container's <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Optional code configuration, applied after the configuration section.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddMlflowClient(this IServiceCollection services, Action<MlflowClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MlflowClientOptions>()
            .Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(ConfigurationSection).Bind(options));
        if (configure is not null) services.Configure(configure);

        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<MlflowClientOptions>>().Value.Resolve());

        var builder = services.AddHttpClient(HttpClientName, client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => MlflowHttpPipeline.CreatePrimaryHandler(provider.GetRequiredService<MlflowSettings>()))
            .ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
            {
                var pipeline = MlflowHttpPipeline.CreateHandlers(
                    provider.GetRequiredService<MlflowSettings>(),
                    provider.GetService<ILoggerFactory>(),
                    provider.GetService<TimeProvider>());
                foreach (var handler in pipeline) handlers.Add(handler);
            });

        services.TryAddTransient(provider => new MlflowClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<MlflowSettings>()));
        return builder;
    }

    /// <summary>Registers <see cref="MlflowClient"/> with options bound from the given configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section holding <see cref="MlflowClientOptions"/> properties (e.g. <c>TrackingUri</c>).</param>
    /// <param name="configure">Optional code configuration, applied after the section.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddMlflowClient(this IServiceCollection services, IConfiguration section, Action<MlflowClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddMlflowClient(options =>
        {
            section.Bind(options);
            configure?.Invoke(options);
        });
        return builder;
    }
}
