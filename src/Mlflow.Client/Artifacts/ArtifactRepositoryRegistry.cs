using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlflow.Artifacts;

/// <summary>
/// An artifact store: creates <see cref="ArtifactRepository"/> instances for the URI schemes it serves
/// (<c>s3</c>; <c>wasbs</c>, <c>abfss</c>; ...). Register one through
/// <c>new MlflowClientOptions { Artifacts = { Repositories = { provider } } }</c> or dependency injection
/// (<see cref="MlflowArtifactServiceCollectionExtensions.AddMlflowArtifactRepository"/>, or the store package's own
/// <c>services.AddMlflow...Artifacts()</c>).
/// </summary>
public interface IArtifactRepositoryProvider
{
    /// <summary>The URI schemes served, in lower case.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Creates the repository of a root URI.</summary>
    /// <param name="rootUri">The artifact root URI (its scheme is one of <see cref="Schemes"/>).</param>
    /// <param name="context">Settings and services of the client.</param>
    /// <returns>The repository.</returns>
    ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context);
}

/// <summary>What an <see cref="ArtifactRepository"/> gets from the client that uses it.</summary>
public sealed class ArtifactRepositoryContext
{
    internal ArtifactRepositoryContext(MlflowSettings clientSettings, HttpClient trackingHttpClient, Func<HttpClient> presignedHttpClient, ILoggerFactory? loggerFactory)
    {
        ClientSettings = clientSettings;
        TrackingHttpClient = trackingHttpClient;
        this.presignedHttpClient = presignedHttpClient;
        LoggerFactory = loggerFactory;
    }

    private readonly Func<HttpClient> presignedHttpClient;

    /// <summary>The client's settings (tracking URI, credentials, TLS, retries).</summary>
    public MlflowSettings ClientSettings { get; }

    /// <summary>The artifact settings.</summary>
    public MlflowArtifactSettings Settings => ClientSettings.Artifacts;

    /// <summary>Where environment variables are read from (stores read their own: <c>AWS_*</c>, <c>AZURE_*</c>, ...).</summary>
    public IMlflowEnvironment Environment => ClientSettings.Environment;

    /// <summary>The tracking server's HTTP pipeline (authentication, retries, errors): for the artifact proxy.</summary>
    public HttpClient TrackingHttpClient { get; }

    /// <summary>A plain HTTP client without MLflow credentials, for presigned store URLs.</summary>
    public HttpClient PresignedHttpClient => presignedHttpClient();

    /// <summary>The client's logger factory, if any.</summary>
    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>Reads an environment variable (trimmed; <see langword="null"/> when unset or blank).</summary>
    /// <param name="name">The variable.</param>
    /// <returns>The value.</returns>
    public string? GetVariable(string name)
    {
        var value = Environment.GetVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}

/// <summary>
/// The artifact stores of a client, by URI scheme: the built-in ones (<c>mlflow-artifacts</c> and <c>http(s)</c>
/// proxy URLs, <c>file</c> and plain local paths), those registered in <see cref="MlflowArtifactOptions.Repositories"/>,
/// and, for a scheme still unknown, the SDK's store packages when the application references them
/// (<c>Mlflow.Artifacts.S3</c>, <c>Mlflow.Artifacts.Azure</c>). Any other scheme is an
/// <see cref="UnsupportedArtifactStoreException"/> that names the package to add.
/// </summary>
public sealed class ArtifactRepositoryRegistry
{
    private static readonly Dictionary<string, (string Package, string Provider)> KnownPackages = new(StringComparer.Ordinal)
    {
        ["s3"] = ("Mlflow.Artifacts.S3", "Mlflow.Artifacts.S3.S3ArtifactRepositoryProvider, Mlflow.Artifacts.S3"),
        ["wasbs"] = ("Mlflow.Artifacts.Azure", "Mlflow.Artifacts.Azure.AzureBlobArtifactRepositoryProvider, Mlflow.Artifacts.Azure"),
        ["wasb"] = ("Mlflow.Artifacts.Azure", "Mlflow.Artifacts.Azure.AzureBlobArtifactRepositoryProvider, Mlflow.Artifacts.Azure"),
        ["abfss"] = ("Mlflow.Artifacts.Azure", "Mlflow.Artifacts.Azure.AzureBlobArtifactRepositoryProvider, Mlflow.Artifacts.Azure"),
        ["abfs"] = ("Mlflow.Artifacts.Azure", "Mlflow.Artifacts.Azure.AzureBlobArtifactRepositoryProvider, Mlflow.Artifacts.Azure"),
    };

    private readonly object gate = new();
    private readonly Dictionary<string, IArtifactRepositoryProvider> providers = new(StringComparer.Ordinal);

    /// <summary>Creates a registry with the built-in stores and <paramref name="providers"/> (later ones win).</summary>
    /// <param name="providers">Extra stores.</param>
    public ArtifactRepositoryRegistry(IEnumerable<IArtifactRepositoryProvider>? providers = null)
    {
        Register(BuiltInArtifactRepositories.Proxy);
        Register(BuiltInArtifactRepositories.Local);
        foreach (var provider in providers ?? []) Register(provider);
    }

    /// <summary>The schemes with a store, sorted.</summary>
    public IReadOnlyList<string> Schemes
    {
        get
        {
            lock (gate) return providers.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Registers a store for each of its schemes (replacing earlier ones).</summary>
    /// <param name="provider">The store.</param>
    public void Register(IArtifactRepositoryProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Schemes.Count == 0) throw new ArgumentException($"{provider.GetType().FullName} declares no URI scheme.", nameof(provider));
        lock (gate)
        {
            foreach (var scheme in provider.Schemes) providers[scheme.ToLowerInvariant()] = provider;
        }
    }

    /// <summary>The store of a root URI's scheme.</summary>
    /// <param name="rootUri">An artifact root URI or local path.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="UnsupportedArtifactStoreException">No store serves the scheme.</exception>
    public IArtifactRepositoryProvider GetProvider(string rootUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootUri);
        var scheme = ArtifactUri.GetScheme(rootUri) ?? "file";
        lock (gate)
        {
            if (providers.TryGetValue(scheme, out var provider)) return provider;
        }

        if (KnownPackages.TryGetValue(scheme, out var known))
        {
            if (TryLoadPackageProvider(known.Provider) is { } loaded)
            {
                Register(loaded);
                return loaded;
            }

            throw new UnsupportedArtifactStoreException(scheme, rootUri, string.Format(CultureInfo.InvariantCulture,
                "No artifact repository is registered for '{0}' URIs ('{1}'). Add the NuGet package {2} to the application "
                + "(it registers itself when referenced), or register its provider: new MlflowClientOptions {{ Artifacts = {{ Repositories = {{ ... }} }} }} "
                + "or services.AddMlflowArtifactRepository(...).", scheme, rootUri, known.Package));
        }

        var hint = scheme switch
        {
            "gs" => " Google Cloud Storage (gs://) has no store package in this SDK yet; implement IArtifactRepositoryProvider on Google.Cloud.Storage.V1 and register it.",
            "dbfs" or "uc-volumes" or "hdfs" or "viewfs" or "sftp" or "ftp" or "oci" or "dbfs+" => " The .NET SDK has no store for it; implement IArtifactRepositoryProvider and register it.",
            _ => " Implement IArtifactRepositoryProvider for it and register it.",
        };
        throw new UnsupportedArtifactStoreException(scheme, rootUri,
            $"No artifact repository is registered for '{scheme}' URIs ('{rootUri}'). Registered: {string.Join(", ", Schemes)}.{hint}");
    }

    /// <summary>Creates the repository of a root URI.</summary>
    /// <param name="rootUri">The root URI.</param>
    /// <param name="context">Settings and services of the client.</param>
    /// <returns>The repository.</returns>
    public ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context) => GetProvider(rootUri).Create(rootUri, context);

    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = "Optional store packages found by name; when trimmed away the caller gets the 'add the package' error.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Store providers have public parameterless constructors.")]
    private static IArtifactRepositoryProvider? TryLoadPackageProvider(string typeName)
    {
        try
        {
            var type = Type.GetType(typeName, throwOnError: false);
            return type is null ? null : Activator.CreateInstance(type) as IArtifactRepositoryProvider;
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or MissingMethodException or System.Reflection.TargetInvocationException)
        {
            return null;
        }
    }
}

/// <summary>Dependency-injection registration of artifact stores.</summary>
public static class MlflowArtifactServiceCollectionExtensions
{
    /// <summary>Adds an artifact store to the <see cref="MlflowClient"/> registered with <c>AddMlflowClient</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="provider">The store.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMlflowArtifactRepository(this IServiceCollection services, IArtifactRepositoryProvider provider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(provider);
        services.Configure<MlflowClientOptions>(options => options.Artifacts.Repositories.Add(provider));
        return services;
    }
}

/// <summary>
/// Artifact options of <see cref="MlflowClientOptions"/> (<see cref="MlflowClientOptions.Artifacts"/>). Unset values
/// come from MLflow's environment variables, then MLflow's defaults.
/// </summary>
public sealed class MlflowArtifactOptions
{
    /// <summary>Extra artifact stores (<c>Mlflow.Artifacts.S3</c>, <c>Mlflow.Artifacts.Azure</c>, your own).</summary>
    public IList<IArtifactRepositoryProvider> Repositories { get; } = new List<IArtifactRepositoryProvider>();

    /// <summary>
    /// Upload large files through the tracking server's multipart routes (<c>/mlflow-artifacts/mpu/...</c>) and the
    /// presigned URLs it hands out, when the server supports it (default false). Environment:
    /// <c>MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD</c>.
    /// </summary>
    public bool? ProxyMultipartUpload { get; set; }

    /// <summary>Part size of multipart uploads in bytes (default 10 MB). Environment: <c>MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE</c>.</summary>
    public long? MultipartUploadChunkSize { get; set; }

    /// <summary>Smallest file uploaded in parts, in bytes (default 500 MB). Environment: <c>MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE</c>.</summary>
    public long? MultipartUploadMinimumFileSize { get; set; }

    /// <summary>
    /// Files (and parts) transferred at once (default: 2 per processor, at least 8, at most 20: MLflow's thread pool
    /// bound, with a floor because transfers here are asynchronous and cost no thread while waiting).
    /// </summary>
    public int? MaxConcurrency { get; set; }
}

/// <summary>The effective artifact settings (see <see cref="MlflowArtifactOptions"/>).</summary>
public sealed class MlflowArtifactSettings
{
    /// <summary><c>MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD</c>.</summary>
    public const string ProxyMultipartUploadVariable = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
    /// <summary><c>MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE</c>.</summary>
    public const string MultipartUploadChunkSizeVariable = "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE";
    /// <summary><c>MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE</c>.</summary>
    public const string MultipartUploadMinimumFileSizeVariable = "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE";
    /// <summary>MLflow's default part size (10 MB).</summary>
    public const long DefaultMultipartUploadChunkSize = 10L * 1024 * 1024;
    /// <summary>MLflow's default multipart threshold (500 MB).</summary>
    public const long DefaultMultipartUploadMinimumFileSize = 500L * 1024 * 1024;

    private MlflowArtifactSettings() { }

    /// <summary>Settings with every default and no extra store.</summary>
    public static MlflowArtifactSettings Default { get; } = Resolve(new MlflowArtifactOptions(), MlflowEnvironment.Empty);

    /// <summary>Whether large files go through the proxy's multipart routes.</summary>
    public bool ProxyMultipartUpload { get; private init; }

    /// <summary>Part size in bytes.</summary>
    public long MultipartUploadChunkSize { get; private init; }

    /// <summary>Multipart threshold in bytes.</summary>
    public long MultipartUploadMinimumFileSize { get; private init; }

    /// <summary>Files (and parts) transferred at once.</summary>
    public int MaxConcurrency { get; private init; }

    /// <summary>The extra stores.</summary>
    public IReadOnlyList<IArtifactRepositoryProvider> Repositories { get; private init; } = [];

    /// <summary>Resolves options against an environment.</summary>
    /// <param name="options">Options (<see langword="null"/>: defaults).</param>
    /// <param name="environment">Environment variables.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="MlflowConfigurationException">A value is out of range or not a number.</exception>
    public static MlflowArtifactSettings Resolve(MlflowArtifactOptions? options, IMlflowEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        options ??= new MlflowArtifactOptions();
        string? Env(string name) => environment.GetVariable(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var multipart = options.ProxyMultipartUpload ?? ParseBool(Env(ProxyMultipartUploadVariable), ProxyMultipartUploadVariable) ?? false;
        var chunk = options.MultipartUploadChunkSize ?? ParseLong(Env(MultipartUploadChunkSizeVariable), MultipartUploadChunkSizeVariable) ?? DefaultMultipartUploadChunkSize;
        var minimum = options.MultipartUploadMinimumFileSize ?? ParseLong(Env(MultipartUploadMinimumFileSizeVariable), MultipartUploadMinimumFileSizeVariable) ?? DefaultMultipartUploadMinimumFileSize;
        if (chunk <= 0) throw new MlflowConfigurationException($"The multipart upload chunk size must be positive (got {chunk}).");
        if (minimum < 0) throw new MlflowConfigurationException($"The multipart upload minimum file size must not be negative (got {minimum}).");
        var concurrency = options.MaxConcurrency ?? Math.Min(Math.Max(System.Environment.ProcessorCount * 2, 8), 20);
        if (concurrency < 1) throw new MlflowConfigurationException($"The artifact transfer concurrency must be at least 1 (got {concurrency}).");
        return new MlflowArtifactSettings
        {
            ProxyMultipartUpload = multipart,
            MultipartUploadChunkSize = chunk,
            MultipartUploadMinimumFileSize = minimum,
            MaxConcurrency = concurrency,
            Repositories = options.Repositories.ToList(),
        };
    }

    private static bool? ParseBool(string? value, string name) => value?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new MlflowConfigurationException($"{name} must be true or false (got '{value}')."),
    };

    private static long? ParseLong(string? value, string name)
    {
        if (value is null) return null;
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new MlflowConfigurationException($"{name} must be an integer number of bytes (got '{value}').");
    }
}
