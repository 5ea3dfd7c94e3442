using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Mlflow.Artifacts;

namespace Mlflow.Testing.Server;

/// <summary>
/// The artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/...</c>: upload, download, list, delete; the multipart
/// routes <c>mpu/create|complete|abort</c>), the run-level artifact list and the download routes of runs and model
/// versions, over an <see cref="ArtifactStore"/> (memory, files under the data directory, or
/// <see cref="MlflowTestServerOptions.ArtifactsDestination"/>).
/// Paths are relative to the <c>mlflow-artifacts:/</c> root (<c>&lt;experiment&gt;/&lt;run&gt;/artifacts/...</c>).
/// </summary>
/// <remarks>
/// Path rules are MLflow's: the raw request path is decoded once (as Flask does), then MLflow's
/// <c>validate_path_is_safe</c> decodes it until stable and refuses <c>#</c>, <c>..</c> and absolute paths
/// (<see cref="MlflowPathRules"/>, the same code the SDK uses to refuse such names before sending them).
/// Multipart uploads hand out part URLs on this server (<c>PUT .../artifacts/&lt;path&gt;?uploadId=..&amp;partNumber=N</c>,
/// answered with an <c>ETag</c>), standing in for the presigned store URLs MLflow hands out for S3 and other stores.
/// </remarks>
internal sealed partial class MlflowOperations
{
    private const string ArtifactScheme = "mlflow-artifacts:/";
    private const string UnsupportedMultipart = "Multipart upload is not supported for the current artifact repository";
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".json", ".yaml", ".yml", ".md", ".csv", ".tsv", ".py", ".log", ".html", ".xml", ".ini", ".cfg", ".toml",
    };

    private readonly Dictionary<string, PendingUpload> multipartUploads = new(StringComparer.Ordinal);
    private string defaultArtifactRoot = ArtifactScheme;
    private bool multipartEnabled;

    /// <summary>The number of multipart uploads created and neither completed nor aborted (for tests).</summary>
    internal int PendingMultipartUploads
    {
        get
        {
            lock (multipartUploads) return multipartUploads.Count;
        }
    }

    private void InitializeArtifacts(MlflowTestServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ArtifactRoot)) defaultArtifactRoot = options.ArtifactRoot.Trim();
        multipartEnabled = options.MultipartUpload;
    }

    /// <summary>An experiment's default artifact location: the server's artifact root plus the experiment id.</summary>
    private string DefaultArtifactLocation(string experimentId) => defaultArtifactRoot.TrimEnd('/') + "/" + experimentId;

    public override async Task<ActionResult<G.UploadArtifactResponse>> UploadArtifactAsync(IFormFile body, string artifact_path)
    {
        var context = http.HttpContext!;
        var path = SafeArtifactPath(RawPathAfter("/mlflow-artifacts/artifacts/", artifact_path));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var query = context.Request.Query;
        if (query.TryGetValue("uploadId", out var uploadId) && query.TryGetValue("partNumber", out var partText))
        {
            await UploadPartAsync(path, uploadId.ToString(), partText.ToString(), context).ConfigureAwait(false);
            return new G.UploadArtifactResponse();
        }

        await artifactStore.WriteAsync(path, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        return new G.UploadArtifactResponse();
    }

    public override Task<IActionResult> DownloadArtifactAsync(string artifact_path) =>
        Task.FromResult(Download(SafeArtifactPath(RawPathAfter("/mlflow-artifacts/artifacts/", artifact_path))));

    public override Task<ActionResult<G.DeleteArtifactResponse>> DeleteArtifactAsync(G.DeleteArtifact? body, string artifact_path)
    {
        artifactStore.Delete(SafeArtifactPath(RawPathAfter("/mlflow-artifacts/artifacts/", artifact_path)));
        return Task.FromResult(new ActionResult<G.DeleteArtifactResponse>(new G.DeleteArtifactResponse()));
    }

    public override Task<ActionResult<G.ListArtifactsProxyResponse>> ListArtifactsProxyAsync(string? path)
    {
        var directory = string.IsNullOrEmpty(path) ? "" : SafeArtifactPath(path, allowRoot: true);
        return Task.FromResult(new ActionResult<G.ListArtifactsProxyResponse>(new G.ListArtifactsProxyResponse
        {
            Files = artifactStore.ListChildren(directory).Select(c => new G.ArtifactFileInfo { Path = c.Name, Is_dir = c.IsDir, File_size = c.Size }).ToList(),
        }));
    }

    public override Task<ActionResult<G.ListArtifactsResponse>> ListArtifactsAsync(string? run_id, string? run_uuid, string? path, string? page_token)
    {
        var artifactUri = ReadNow(() => FindRun(run_id ?? run_uuid).ArtifactUri);
        var relative = string.IsNullOrEmpty(path) ? "" : SafeArtifactPath(path, allowRoot: true);
        return Task.FromResult(new ActionResult<G.ListArtifactsResponse>(new G.ListArtifactsResponse
        {
            Root_uri = artifactUri,
            Files = ListUnder(artifactUri, relative).Select(f => new G.ArtifactFileEntry { Path = f.Path, Is_dir = f.IsDir, File_size = f.Size }).ToList(),
        }));
    }

    public override Task<IActionResult> GetArtifactAsync(string path, string? run_id, string? run_uuid)
    {
        var artifactUri = ReadNow(() => FindRun(run_id ?? run_uuid).ArtifactUri);
        var (store, root) = StoreFor(artifactUri);
        return Task.FromResult(Download(Join(root, SafeArtifactPath(path)), store));
    }

    public override Task<IActionResult> GetModelVersionArtifactAsync(string name, string version, string path)
    {
        var source = ReadNow(() => FindVersion(name, version).Version.Source);
        var (store, root) = StoreFor(source);
        return Task.FromResult(Download(Join(root, SafeArtifactPath(path)), store));
    }

    /// <summary>The children of <paramref name="relative"/> under an artifact root URI, with paths relative to the root.</summary>
    private IEnumerable<(string Path, bool IsDir, long? Size)> ListUnder(string rootUri, string relative)
    {
        var (store, root) = StoreFor(rootUri);
        var directory = relative.Length == 0 ? root : Join(root, relative);
        return store.ListChildren(directory).Select(c => (relative.Length == 0 ? c.Name : relative + "/" + c.Name, c.IsDir, c.Size));
    }

    /// <summary>A stored file under an artifact root URI (run, logged model, model version source).</summary>
    private IActionResult DownloadUnder(string rootUri, string relative)
    {
        var (store, root) = StoreFor(rootUri);
        return Download(Join(root, SafeArtifactPath(relative)), store);
    }

    /// <summary>Checks a relative artifact path given in a query or body (MLflow's rules; see <see cref="SafeArtifactPath"/>).</summary>
    private static string NormalizeArtifactPath(string path) => SafeArtifactPath(path, allowRoot: true);

    // ---------------------------------------------------------------- multipart

    public override Task<ActionResult<G.CreateMultipartUploadResponse>> CreateMultipartUploadAsync(G.CreateMultipartUpload? body, string artifact_path)
    {
        var directory = SafeArtifactPath(RawPathAfter("/mlflow-artifacts/mpu/create/", artifact_path ?? ""), allowRoot: true);
        var file = MlflowError.Required(body?.Path, "path");
        var parts = body!.Num_parts ?? 1;
        if (!multipartEnabled) throw MlflowError.NotImplemented(UnsupportedMultipart);
        if (parts is < 1 or > 10000) throw MlflowError.InvalidParameter($"num_parts must be between 1 and 10000, got {parts}.");
        var name = file.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var destination = SafeArtifactPath(Join(directory, name));
        var uploadId = Guid.NewGuid().ToString("N");
        lock (multipartUploads) multipartUploads[uploadId] = new PendingUpload(destination, artifactStore.CreatePartStore(uploadId));

        var request = http.HttpContext!.Request;
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}/api/2.0/mlflow-artifacts/artifacts/{Encode(destination)}";
        return Task.FromResult(new ActionResult<G.CreateMultipartUploadResponse>(new G.CreateMultipartUploadResponse
        {
            Upload_id = uploadId,
            Credentials = Enumerable.Range(1, (int)parts).Select(n => new G.MultipartUploadCredential
            {
                Url = string.Create(CultureInfo.InvariantCulture, $"{baseUrl}?uploadId={uploadId}&partNumber={n}"),
                Part_number = n,
                Headers = new Dictionary<string, string>(),
            }).ToList(),
        }));
    }

    public override async Task<ActionResult<G.CompleteMultipartUploadResponse>> CompleteMultipartUploadAsync(G.CompleteMultipartUpload? body, string artifact_path)
    {
        var directory = SafeArtifactPath(RawPathAfter("/mlflow-artifacts/mpu/complete/", artifact_path ?? ""), allowRoot: true);
        MlflowError.Required(body?.Path, "path");
        var uploadId = MlflowError.Required(body!.Upload_id, "upload_id");
        if (!multipartEnabled) throw MlflowError.NotImplemented(UnsupportedMultipart);
        var pending = Pending(uploadId, directory, body.Path);
        var parts = body.Parts ?? [];
        if (parts.Count == 0) throw MlflowError.InvalidParameter("parts must list the uploaded parts.");
        var numbers = new List<int>();
        foreach (var part in parts.OrderBy(p => p.Part_number))
        {
            var number = (int)(part.Part_number ?? 0);
            var stored = pending.Parts.Part(number);
            if (stored is null) throw MlflowError.InvalidParameter($"Part {number} of upload '{uploadId}' was not uploaded.");
            if (!string.Equals(stored.Value.ETag.Trim('"'), (part.Etag ?? "").Trim('"'), StringComparison.OrdinalIgnoreCase))
            {
                throw MlflowError.InvalidParameter($"The ETag of part {number} does not match the uploaded part.");
            }

            numbers.Add(number);
        }

        await using (var content = pending.Parts.Concatenate(numbers))
        {
            await artifactStore.WriteAsync(pending.Destination, content, http.HttpContext!.RequestAborted).ConfigureAwait(false);
        }

        lock (multipartUploads) multipartUploads.Remove(uploadId);
        pending.Parts.Dispose();
        return new G.CompleteMultipartUploadResponse();
    }

    public override Task<ActionResult<G.AbortMultipartUploadResponse>> AbortMultipartUploadAsync(G.AbortMultipartUpload? body, string artifact_path)
    {
        var directory = SafeArtifactPath(RawPathAfter("/mlflow-artifacts/mpu/abort/", artifact_path ?? ""), allowRoot: true);
        MlflowError.Required(body?.Path, "path");
        var uploadId = MlflowError.Required(body!.Upload_id, "upload_id");
        if (!multipartEnabled) throw MlflowError.NotImplemented(UnsupportedMultipart);
        var pending = Pending(uploadId, directory, body.Path);
        lock (multipartUploads) multipartUploads.Remove(uploadId);
        pending.Parts.Dispose();
        return Task.FromResult(new ActionResult<G.AbortMultipartUploadResponse>(new G.AbortMultipartUploadResponse()));
    }

    public override Task<ActionResult<G.GetPresignedDownloadUrlResponse>> GetPresignedDownloadUrlAsync(string artifact_path) =>
        throw MlflowError.NotImplemented("Multipart download is not supported for the current artifact repository");

    private async Task UploadPartAsync(string path, string uploadId, string partText, HttpContext context)
    {
        PendingUpload? pending;
        lock (multipartUploads) multipartUploads.TryGetValue(uploadId, out pending);
        if (pending is null || pending.Destination != path) throw MlflowError.NotFound($"Multipart upload '{uploadId}' does not exist for '{path}' (completed, aborted or never created).");
        if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw MlflowError.InvalidParameter($"Invalid partNumber '{partText}'.");
        }

        var etag = await pending.Parts.WritePartAsync(number, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.ETag = etag;
    }

    private PendingUpload Pending(string uploadId, string directory, string? file)
    {
        PendingUpload? pending;
        lock (multipartUploads) multipartUploads.TryGetValue(uploadId, out pending);
        if (pending is null) throw MlflowError.NotFound($"Multipart upload '{uploadId}' does not exist (completed, aborted or never created).");
        var name = (file ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        if (name.Length > 0 && pending.Destination != SafeArtifactPath(Join(directory, name)))
        {
            throw MlflowError.InvalidParameter($"Multipart upload '{uploadId}' is for '{pending.Destination}', not '{Join(directory, name)}'.");
        }

        return pending;
    }

    private sealed record PendingUpload(string Destination, PartStore Parts);

    // ---------------------------------------------------------------- helpers

    private IActionResult Download(string path, ArtifactStore? store = null)
    {
        var content = (store ?? artifactStore).OpenRead(path);
        if (content is null) throw MlflowError.NotFound($"No such artifact: '{path}'");
        var name = path[(path.LastIndexOf('/') + 1)..];
        var contentType = TextExtensions.Contains(Path.GetExtension(name)) ? "text/plain" : "application/octet-stream";
        var ascii = name.All(c => c is >= ' ' and < (char)127 and not '"' and not ';' and not ',' and not '\\');
        http.HttpContext!.Response.Headers.ContentDisposition = ascii
            ? $"attachment; filename={name}"
            : $"attachment; filename*=UTF-8''{Uri.EscapeDataString(name)}";
        return new FileStreamResult(content, contentType);
    }

    /// <summary>
    /// The artifact path of this request as Flask would see it: the raw request target after <paramref name="marker"/>,
    /// percent-decoded once (<c>%2F</c> included). Falls back to the route value when the raw target is not available.
    /// </summary>
    private string RawPathAfter(string marker, string routeValue)
    {
        var raw = http.HttpContext?.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return routeValue;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) raw = raw[..query];
        var at = raw.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            var bare = marker.TrimEnd('/');
            return raw.EndsWith(bare, StringComparison.Ordinal) ? "" : routeValue;
        }

        return MlflowPathRules.Unquote(raw[(at + marker.Length)..]);
    }

    /// <summary>MLflow's <c>validate_path_is_safe</c>, then the canonical storage key (empty and <c>.</c> segments dropped, as a file system would).</summary>
    private static string SafeArtifactPath(string path, bool allowRoot = false)
    {
        var stored = MlflowPathRules.Validate(path) ?? throw MlflowError.InvalidParameter("Invalid path");
        var key = string.Join('/', stored.Split('/').Where(s => s.Length > 0 && s != "."));
        if (key.Length == 0 && !allowRoot) throw MlflowError.InvalidParameter("Invalid path");
        return key;
    }

    /// <summary>The store and root path of an artifact URI: the proxy's store for <c>mlflow-artifacts:/</c>, a directory for local roots.</summary>
    private (ArtifactStore Store, string Root) StoreFor(string artifactUri)
    {
        if (artifactUri.StartsWith(ArtifactScheme, StringComparison.Ordinal))
        {
            var rest = artifactUri[ArtifactScheme.Length..];
            if (rest.StartsWith('/')) rest = rest[(rest.IndexOf('/', 1) is var end and >= 0 ? end : rest.Length)..];
            return (artifactStore, string.Join('/', rest.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)));
        }

        if (artifactUri.StartsWith('/') || artifactUri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var local = artifactUri.StartsWith('/') ? artifactUri : new Uri(artifactUri).LocalPath;
            return (new DirectoryArtifactStore(local), "");
        }

        var scheme = artifactUri.Contains(':', StringComparison.Ordinal) ? artifactUri[..artifactUri.IndexOf(':', StringComparison.Ordinal)] : artifactUri;
        throw MlflowError.NotImplemented(
            $"The embedded MLflow test server does not read '{scheme}' artifact stores ('{artifactUri}'); clients read and write them directly.");
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : name.Length == 0 ? directory : directory + "/" + name;

    private static string Encode(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
