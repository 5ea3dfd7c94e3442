using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Microsoft.Extensions.DependencyInjection;


namespace Mlflow.Artifacts.S3;

/// <summary>
/// Options of the S3 store. Unset values come from the client's environment (the same variables MLflow's Python
/// S3 repository reads): <c>MLFLOW_S3_ENDPOINT_URL</c>, <c>MLFLOW_S3_IGNORE_TLS</c>, <c>MLFLOW_S3_UPLOAD_EXTRA_ARGS</c>,
/// <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> / <c>AWS_SESSION_TOKEN</c>, <c>AWS_PROFILE</c>,
/// <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c>; then the AWS SDK's default credential chain.
/// </summary>
public sealed class S3ArtifactOptions
{
    /// <summary>An S3-compatible endpoint (MinIO, moto, ...); path-style addressing is used with it. Environment: <c>MLFLOW_S3_ENDPOINT_URL</c>.</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>Skip TLS certificate checks of the endpoint. Environment: <c>MLFLOW_S3_IGNORE_TLS</c>.</summary>
    public bool? IgnoreTls { get; set; }

    /// <summary>The region (default <c>us-east-1</c>). Environment: <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; set; }

    /// <summary>Credentials; when unset, the environment's keys or profile, else the AWS SDK's default chain.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>A client to use as it is (its endpoint, region and credentials win over everything above).</summary>
    public IAmazonS3? Client { get; set; }
}

/// <summary>
/// The <c>s3://bucket/prefix</c> store (Python: <c>S3ArtifactRepository</c>). Registered automatically when this
/// package is referenced; or <c>options.Artifacts.Repositories.Add(new S3ArtifactRepositoryProvider(...))</c>, or
/// <c>services.AddMlflowS3Artifacts()</c>.
/// </summary>
public sealed class S3ArtifactRepositoryProvider : IArtifactRepositoryProvider
{
    private readonly S3ArtifactOptions options;
    private readonly ConcurrentDictionary<string, IAmazonS3> clients = new(StringComparer.Ordinal);

    /// <summary>Creates the store with options read from the environment.</summary>
    public S3ArtifactRepositoryProvider()
        : this(new S3ArtifactOptions())
    {
    }

    /// <summary>Creates the store.</summary>
    /// <param name="options">Options (unset values from the environment).</param>
    public S3ArtifactRepositoryProvider(S3ArtifactOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["s3"];

    /// <inheritdoc />
    public ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = S3Settings.Resolve(options, context);
        var client = options.Client ?? clients.GetOrAdd(settings.CacheKey, _ => settings.CreateClient());
        return new S3ArtifactRepository(rootUri, context, client, settings.UploadExtraArgs);
    }
}

/// <summary>Artifacts in an S3 bucket under a prefix; uploads through <see cref="TransferUtility"/> (multipart for large files).</summary>
public sealed class S3ArtifactRepository : ArtifactRepository
{
    private readonly IAmazonS3 client;
    private readonly IReadOnlyDictionary<string, string> extraArgs;

    internal S3ArtifactRepository(string rootUri, ArtifactRepositoryContext context, IAmazonS3 client, IReadOnlyDictionary<string, string> extraArgs)
        : base(rootUri, context)
    {
        (Bucket, Prefix) = ParseUri(rootUri);
        this.client = client;
        this.extraArgs = extraArgs;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix of the root (no leading or trailing <c>/</c>).</summary>
    public string Prefix { get; }

    /// <summary>Splits <c>s3://bucket/prefix</c>; the prefix is taken literally, as MLflow does.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>Bucket and prefix.</returns>
    /// <exception cref="ArgumentException">Not an s3 URI with a bucket.</exception>
    public static (string Bucket, string Prefix) ParseUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Not an S3 URI: '{uri}'. Expected s3://<bucket>/<prefix>.", nameof(uri));
        }

        var rest = uri[5..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0) throw new ArgumentException($"Not an S3 URI: '{uri}'. The bucket is missing (s3://<bucket>/<prefix>).", nameof(uri));
        return (bucket, slash < 0 ? "" : rest[(slash + 1)..].Trim('/'));
    }

    /// <inheritdoc />
    protected override async Task UploadFileAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        using var transfer = new TransferUtility(client, new TransferUtilityConfig { ConcurrentServiceRequests = Math.Max(1, MaxConcurrency) });
        var request = new TransferUtilityUploadRequest
        {
            BucketName = Bucket,
            Key = Key(upload.ArtifactPath),
            ContentType = upload.ContentType,
        };
        Stream? stream = null;
        if (upload.LocalPath is { } local) request.FilePath = local;
        else request.InputStream = stream = upload.OpenRead();
        foreach (var (name, value) in extraArgs) ApplyExtraArg(request, name, value);
        request.UploadProgressEvent += (_, e) => upload.Progress.Set(e.TransferredBytes);
        try
        {
            await transfer.UploadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            throw Error("upload", upload.ArtifactPath, ex);
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ArtifactInfo>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Key(path);
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var result = new List<ArtifactInfo>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, Delimiter = "/" };
        try
        {
            while (true)
            {
                var response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var common in response.CommonPrefixes ?? [])
                {
                    var name = common[prefix.Length..].TrimEnd('/');
                    if (name.Length > 0) result.Add(new ArtifactInfo(ArtifactPath.Combine(path, name), true, null));
                }

                foreach (var item in response.S3Objects ?? [])
                {
                    var name = item.Key[prefix.Length..];
                    if (name.Length > 0) result.Add(new ArtifactInfo(ArtifactPath.Combine(path, name), false, item.Size));
                }

                if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken)) break;
                request.ContinuationToken = response.NextContinuationToken;
            }
        }
        catch (AmazonServiceException ex)
        {
            throw Error("list", path, ex);
        }

        return result;
    }

    /// <inheritdoc />
    protected override async Task DownloadFileAsync(ArtifactDownload download, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetObjectAsync(Bucket, Key(download.ArtifactPath), cancellationToken).ConfigureAwait(false);
            await response.ResponseStream.CopyToAsync(download.Destination, 256 * 1024, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            throw Error("download", download.ArtifactPath, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var key = Key(path);
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = key.Length == 0 ? "" : key + "/" };
        while (true)
        {
            var response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken)) break;
            request.ContinuationToken = response.NextContinuationToken;
        }

        if (key.Length > 0) keys.Add(key);
        foreach (var batch in keys.Chunk(1000))
        {
            await client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Bucket, Objects = batch.Select(k => new KeyVersion { Key = k }).ToList() }, cancellationToken).ConfigureAwait(false);
        }
    }

    private string Key(string artifactPath) => ArtifactPath.Combine(Prefix, artifactPath);

    private MlflowArtifactException Error(string action, string path, AmazonServiceException ex) => new(
        string.Create(CultureInfo.InvariantCulture, $"S3 {action} of '{path}' under '{RootUri}' failed: {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}"),
        ex, [path]);

    private static void ApplyExtraArg(TransferUtilityUploadRequest request, string name, string value)
    {
        switch (name)
        {
            case "ServerSideEncryption": request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(value); break;
            case "SSEKMSKeyId": request.ServerSideEncryptionKeyManagementServiceKeyId = value; break;
            case "ACL": request.CannedACL = new S3CannedACL(value); break;
            case "ContentType": request.ContentType = value; break;
            case "StorageClass": request.StorageClass = new S3StorageClass(value); break;
            case "ContentEncoding": request.Headers.ContentEncoding = value; break;
            case "CacheControl": request.Headers.CacheControl = value; break;
            default:
                if (name.StartsWith("Metadata.", StringComparison.Ordinal)) request.Metadata.Add(name["Metadata.".Length..], value);
                else throw new MlflowConfigurationException($"MLFLOW_S3_UPLOAD_EXTRA_ARGS: '{name}' is not supported by the .NET S3 store (supported: ServerSideEncryption, SSEKMSKeyId, ACL, ContentType, StorageClass, ContentEncoding, CacheControl, Metadata).");
                break;
        }
    }
}

/// <summary>The effective S3 settings of one client: options, then environment variables, then defaults.</summary>
internal sealed record S3Settings(string? EndpointUrl, bool IgnoreTls, string Region, AWSCredentials? Credentials, IReadOnlyDictionary<string, string> UploadExtraArgs, string CacheKey)
{
    public static S3Settings Resolve(S3ArtifactOptions options, ArtifactRepositoryContext context)
    {
        var endpoint = options.EndpointUrl ?? context.GetVariable("MLFLOW_S3_ENDPOINT_URL");
        var ignoreTls = options.IgnoreTls ?? context.GetVariable("MLFLOW_S3_IGNORE_TLS") is { } t && (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t == "1");
        var region = options.Region ?? context.GetVariable("AWS_REGION") ?? context.GetVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
        var credentials = options.Credentials ?? FromEnvironment(context);
        var extra = ParseExtraArgs(context.GetVariable("MLFLOW_S3_UPLOAD_EXTRA_ARGS"));
        var identity = credentials is null ? "default" : credentials.GetHashCode().ToString(CultureInfo.InvariantCulture);
        return new S3Settings(endpoint, ignoreTls, region, credentials, extra, $"{endpoint}|{ignoreTls}|{region}|{identity}");
    }

    public IAmazonS3 CreateClient()
    {
        var config = new AmazonS3Config();
        if (EndpointUrl is not null)
        {
            config.ServiceURL = EndpointUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }

        if (IgnoreTls) config.HttpClientFactory = new InsecureHttpClientFactory();
        return Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(Credentials, config);
    }

    private static AWSCredentials? FromEnvironment(ArtifactRepositoryContext context)
    {
        var key = context.GetVariable("AWS_ACCESS_KEY_ID");
        var secret = context.GetVariable("AWS_SECRET_ACCESS_KEY");
        if (key is not null && secret is not null)
        {
            return context.GetVariable("AWS_SESSION_TOKEN") is { } token ? new SessionAWSCredentials(key, secret, token) : new BasicAWSCredentials(key, secret);
        }

        if (context.GetVariable("AWS_PROFILE") is { } profile)
        {
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)) return fromProfile;
            throw new MlflowConfigurationException($"AWS_PROFILE is '{profile}', but no such profile is in ~/.aws/credentials or ~/.aws/config.");
        }

        return null;
    }

    private static Dictionary<string, string> ParseExtraArgs(string? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null) return result;
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var inner in property.Value.EnumerateObject()) result[property.Name + "." + inner.Name] = inner.Value.ToString();
                }
                else
                {
                    result[property.Name] = property.Value.ToString();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new MlflowConfigurationException($"MLFLOW_S3_UPLOAD_EXTRA_ARGS must be a JSON object: {ex.Message}");
        }

        return result;
    }

    private sealed class InsecureHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        });
    }
}

/// <summary>Dependency-injection registration of the S3 store.</summary>
public static class S3ArtifactServiceCollectionExtensions
{
    /// <summary>Adds the <c>s3://</c> store to the <see cref="MlflowClient"/> registered with <c>AddMlflowClient</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Optional options (unset values from the environment).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMlflowS3Artifacts(this IServiceCollection services, Action<S3ArtifactOptions>? configure = null)
    {
        var options = new S3ArtifactOptions();
        configure?.Invoke(options);
        return services.AddMlflowArtifactRepository(new S3ArtifactRepositoryProvider(options));
    }
}
