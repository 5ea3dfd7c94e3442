using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Mlflow.Artifacts.Azure;

/// <summary>
/// Options of the Azure store. Unset values come from the client's environment, as MLflow's Python Azure repository
/// reads them: <c>AZURE_STORAGE_CONNECTION_STRING</c>, then <c>AZURE_STORAGE_ACCESS_KEY</c> (with the account of the
/// URI), then <see cref="Credential"/> or <c>DefaultAzureCredential</c>.
/// </summary>
public sealed class AzureBlobArtifactOptions
{
    /// <summary>A storage connection string (it also names the endpoint, e.g. Azurite's). Environment: <c>AZURE_STORAGE_CONNECTION_STRING</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account key of the URI's account. Environment: <c>AZURE_STORAGE_ACCESS_KEY</c>.</summary>
    public string? AccessKey { get; set; }

    /// <summary>A token credential (managed identity, workload identity, ...); default <c>DefaultAzureCredential</c>.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>A service client to use as it is (its endpoint and credentials win over everything above).</summary>
    public BlobServiceClient? ServiceClient { get; set; }
}

/// <summary>
/// The <c>wasbs://container@account.blob.core.windows.net/path</c> and <c>abfss://filesystem@account.dfs.core.windows.net/path</c>
/// store (Python: <c>AzureBlobArtifactRepository</c>, <c>AzureDataLakeArtifactRepository</c>). Registered automatically
/// when this package is referenced; or <c>options.Artifacts.Repositories.Add(new AzureBlobArtifactRepositoryProvider(...))</c>,
/// or <c>services.AddMlflowAzureArtifacts()</c>.
/// </summary>
public sealed class AzureBlobArtifactRepositoryProvider : IArtifactRepositoryProvider
{
    private readonly AzureBlobArtifactOptions options;
    private readonly ConcurrentDictionary<string, BlobServiceClient> clients = new(StringComparer.Ordinal);

    /// <summary>Creates the store with options read from the environment.</summary>
    public AzureBlobArtifactRepositoryProvider()
        : this(new AzureBlobArtifactOptions())
    {
    }

    /// <summary>Creates the store.</summary>
    /// <param name="options">Options (unset values from the environment).</param>
    public AzureBlobArtifactRepositoryProvider(AzureBlobArtifactOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["wasbs", "wasb", "abfss", "abfs"];

    /// <inheritdoc />
    public ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var location = AzureBlobArtifactRepository.ParseUri(rootUri);
        var service = options.ServiceClient ?? ServiceFor(location, context);
        return new AzureBlobArtifactRepository(rootUri, context, service.GetBlobContainerClient(location.Container), location.Path);
    }

    private BlobServiceClient ServiceFor(AzureBlobLocation location, ArtifactRepositoryContext context)
    {
        var connection = options.ConnectionString ?? context.GetVariable("AZURE_STORAGE_CONNECTION_STRING");
        if (connection is not null) return clients.GetOrAdd("cs|" + connection, _ => new BlobServiceClient(connection));
        var endpoint = new Uri($"https://{location.BlobHost}");
        var key = options.AccessKey ?? context.GetVariable("AZURE_STORAGE_ACCESS_KEY");
        if (key is not null)
        {
            return clients.GetOrAdd("key|" + location.BlobHost, _ => new BlobServiceClient(endpoint, new StorageSharedKeyCredential(location.Account, key)));
        }

        return clients.GetOrAdd("token|" + location.BlobHost, _ => new BlobServiceClient(endpoint, options.Credential ?? new DefaultAzureCredential()));
    }
}

/// <summary>The parts of an Azure artifact URI.</summary>
/// <param name="Scheme">wasbs, wasb, abfss or abfs.</param>
/// <param name="Container">The container (file system).</param>
/// <param name="Account">The storage account.</param>
/// <param name="BlobHost">The blob endpoint host (<c>.dfs.</c> hosts mapped to <c>.blob.</c>).</param>
/// <param name="Path">The path inside the container (no leading or trailing <c>/</c>).</param>
public sealed record AzureBlobLocation(string Scheme, string Container, string Account, string BlobHost, string Path);

/// <summary>Artifacts in an Azure blob container under a path; uploads in blocks, downloads in parallel ranges.</summary>
public sealed class AzureBlobArtifactRepository : ArtifactRepository
{
    private readonly BlobContainerClient container;

    internal AzureBlobArtifactRepository(string rootUri, ArtifactRepositoryContext context, BlobContainerClient container, string prefix)
        : base(rootUri, context)
    {
        this.container = container;
        Prefix = prefix;
    }

    /// <summary>The blob name prefix of the root.</summary>
    public string Prefix { get; }

    /// <summary>Parses <c>wasbs://container@account.blob.core.windows.net/path</c> or <c>abfss://fs@account.dfs.core.windows.net/path</c>.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The location.</returns>
    /// <exception cref="ArgumentException">The URI does not have that form.</exception>
    public static AzureBlobLocation ParseUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var form = "Expected wasbs://<container>@<account>.blob.core.windows.net/<path> or abfss://<filesystem>@<account>.dfs.core.windows.net/<path>.";
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) throw new ArgumentException($"Not an Azure storage URI: '{uri}'. {form}", nameof(uri));
        var scheme = uri[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("wasbs" or "wasb" or "abfss" or "abfs")) throw new ArgumentException($"Not an Azure storage URI: '{uri}'. {form}", nameof(uri));
        var rest = uri[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        var at = authority.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == authority.Length - 1) throw new ArgumentException($"Not an Azure storage URI: '{uri}' (no container@account). {form}", nameof(uri));
        var container = authority[..at];
        var host = authority[(at + 1)..];
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) throw new ArgumentException($"Not an Azure storage URI: '{uri}' (the host must be <account>.blob... or <account>.dfs...). {form}", nameof(uri));
        var account = host[..dot];
        var blobHost = host.Replace(".dfs.", ".blob.", StringComparison.OrdinalIgnoreCase);
        return new AzureBlobLocation(scheme, container, account, blobHost, path);
    }

    /// <inheritdoc />
    protected override async Task UploadFileAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        var chunk = (long)Math.Min(Context.Settings.MultipartUploadChunkSize, 4000L * 1024 * 1024);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = upload.ContentType },
            TransferOptions = new StorageTransferOptions { MaximumConcurrency = Math.Max(1, MaxConcurrency), InitialTransferSize = chunk, MaximumTransferSize = chunk },
            ProgressHandler = new SyncProgress(upload.Progress.Set),
        };
        var blob = container.GetBlobClient(Name(upload.ArtifactPath));
        try
        {
            if (upload.LocalPath is { } local)
            {
                await blob.UploadAsync(local, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var stream = upload.OpenRead();
                await using (stream.ConfigureAwait(false))
                {
                    await blob.UploadAsync(stream, options, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (RequestFailedException ex)
        {
            throw Error("upload", upload.ArtifactPath, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ArtifactInfo>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Name(path);
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var result = new List<ArtifactInfo>();
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsPrefix)
                {
                    var name = item.Prefix[prefix.Length..].TrimEnd('/');
                    if (name.Length > 0) result.Add(new ArtifactInfo(ArtifactPath.Combine(path, name), true, null));
                }
                else
                {
                    var name = item.Blob.Name[prefix.Length..];
                    if (name.Length > 0) result.Add(new ArtifactInfo(ArtifactPath.Combine(path, name), false, item.Blob.Properties.ContentLength));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return result;
        }
        catch (RequestFailedException ex)
        {
            throw Error("list", path, ex);
        }

        return result;
    }

    /// <inheritdoc />
    protected override async Task DownloadFileAsync(ArtifactDownload download, CancellationToken cancellationToken)
    {
        var chunk = (long)Math.Min(Context.Settings.MultipartUploadChunkSize, 256L * 1024 * 1024);
        try
        {
            await container.GetBlobClient(Name(download.ArtifactPath)).DownloadToAsync(download.Destination, new BlobDownloadToOptions
            {
                TransferOptions = new StorageTransferOptions { MaximumConcurrency = Math.Max(1, MaxConcurrency), InitialTransferSize = chunk, MaximumTransferSize = chunk },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw Error("download", download.ArtifactPath, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var name = Name(path);
        var prefix = name.Length == 0 ? "" : name + "/";
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            await container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (name.Length > 0) await container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private string Name(string artifactPath) => ArtifactPath.Combine(Prefix, artifactPath);

    private MlflowArtifactException Error(string action, string path, RequestFailedException ex) => new(
        string.Create(CultureInfo.InvariantCulture, $"Azure {action} of '{path}' under '{RootUri}' failed: {ex.Status} {ex.ErrorCode}: {ex.Message}"),
        ex, [path]);

    /// <summary>Reports on the calling thread (the SDK's running byte count).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

/// <summary>Dependency-injection registration of the Azure store.</summary>
public static class AzureBlobArtifactServiceCollectionExtensions
{
    /// <summary>Adds the <c>wasbs://</c> / <c>abfss://</c> store to the <see cref="MlflowClient"/> registered with <c>AddMlflowClient</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Optional options (unset values from the environment).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMlflowAzureArtifacts(this IServiceCollection services, Action<AzureBlobArtifactOptions>? configure = null)
    {
        var options = new AzureBlobArtifactOptions();
        configure?.Invoke(options);
        return services.AddMlflowArtifactRepository(new AzureBlobArtifactRepositoryProvider(options));
    }
}
