using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mlflow.Deployments;

/// <summary>Registers deployment targets with dependency injection.</summary>
public static class DeploymentsServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="DeploymentTargetRegistry"/> singleton built from the built-in targets, the plugins found by
    /// <see cref="DeploymentTargetPluginAttribute"/> and every <see cref="IDeploymentTargetPlugin"/> registered in the
    /// container (those win).
    /// </summary>
    public static IServiceCollection AddMlflowDeployments(this IServiceCollection services, bool discoverPlugins = true)
    {
        services.TryAddSingleton(sp => new DeploymentTargetRegistry(
            sp.GetServices<IDeploymentTargetPlugin>(), includeBuiltIns: true, discoverPlugins: discoverPlugins));
        return services;
    }

    /// <summary>Registers plugin <typeparamref name="TPlugin"/> (constructed by the container) and the registry.</summary>
    public static IServiceCollection AddDeploymentTarget<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPlugin>(this IServiceCollection services)
        where TPlugin : class, IDeploymentTargetPlugin
    {
        services.AddSingleton<IDeploymentTargetPlugin, TPlugin>();
        return services.AddMlflowDeployments();
    }

    /// <summary>Registers a plugin instance and the registry.</summary>
    public static IServiceCollection AddDeploymentTarget(this IServiceCollection services, IDeploymentTargetPlugin plugin)
    {
        services.AddSingleton(plugin);
        return services.AddMlflowDeployments();
    }
}
