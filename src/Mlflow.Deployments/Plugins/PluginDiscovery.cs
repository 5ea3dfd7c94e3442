using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Mlflow.Deployments;

/// <summary>
/// Finds plugins declared with <see cref="DeploymentTargetPluginAttribute"/>: in the assemblies already loaded and
/// in the <c>.dll</c> files of the application folder, whose metadata is read without loading them; only an
/// assembly that carries the attribute is loaded.
/// </summary>
internal static class PluginDiscovery
{
    private static readonly string AttributeName = nameof(DeploymentTargetPluginAttribute);
    private static readonly string AttributeNamespace = typeof(DeploymentTargetPluginAttribute).Namespace!;

    public static IReadOnlyList<IDeploymentTargetPlugin> Discover(string? directory = null)
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!loaded.IsDynamic && loaded.GetName().Name is { } name)
            {
                assemblies.TryAdd(name, loaded);
            }
        }

        foreach (var path in SafeFiles(directory ?? AppContext.BaseDirectory))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (assemblies.ContainsKey(name) || !DeclaresPlugin(path))
            {
                continue;
            }

            try
            {
                assemblies[name] = Assembly.LoadFrom(path);
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                // Not loadable here; skip like a broken entry point would be skipped at lookup time.
            }
        }

        var plugins = new List<IDeploymentTargetPlugin>();
        foreach (var assembly in assemblies.Values)
        {
            foreach (var attribute in SafeAttributes(assembly))
            {
                plugins.Add(Instantiate(attribute.PluginType));
            }
        }

        return plugins;
    }

    internal static IDeploymentTargetPlugin Instantiate(Type type)
    {
        if (!typeof(IDeploymentTargetPlugin).IsAssignableFrom(type))
        {
            throw new DeploymentsException($"Plugin type {type.FullName} does not implement {nameof(IDeploymentTargetPlugin)}.");
        }

        try
        {
            return (IDeploymentTargetPlugin)Activator.CreateInstance(type)!;
        }
        catch (Exception ex) when (ex is MissingMethodException or TargetInvocationException)
        {
            throw new DeploymentsException($"Failed to load the deployment plugin {type.FullName}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    private static IEnumerable<DeploymentTargetPluginAttribute> SafeAttributes(Assembly assembly)
    {
        // Cheap pre-check on metadata: most loaded assemblies do not reference the attribute at all.
        try
        {
            if (assembly.GetReferencedAssemblies().All(r => r.Name != typeof(PluginDiscovery).Assembly.GetName().Name)
                && assembly != typeof(PluginDiscovery).Assembly)
            {
                return [];
            }

            return assembly.GetCustomAttributes<DeploymentTargetPluginAttribute>();
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            return [];
        }
    }

    private static IEnumerable<string> SafeFiles(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.dll") : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>True when the assembly at <paramref name="path"/> has an assembly-level DeploymentTargetPlugin attribute.</summary>
    internal static bool DeclaresPlugin(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return false;
            }

            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != HandleKind.MemberReference)
                {
                    continue;
                }

                var ctor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (ctor.Parent.Kind != HandleKind.TypeReference)
                {
                    continue;
                }

                var type = reader.GetTypeReference((TypeReferenceHandle)ctor.Parent);
                if (reader.StringComparer.Equals(type.Name, AttributeName)
                    && reader.StringComparer.Equals(type.Namespace, AttributeNamespace))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
