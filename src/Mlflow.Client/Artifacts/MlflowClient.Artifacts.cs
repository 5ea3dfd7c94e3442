using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.Artifacts;

namespace Mlflow;

/// <summary>
/// The Python client's artifact calls (<c>log_artifact</c>, <c>log_artifacts</c>, <c>log_text</c>, <c>log_dict</c>,
/// <c>log_table</c>, <c>log_image</c>, <c>list_artifacts</c>, <c>download_artifacts</c>, and the logged-model
/// ones), hand-written on <see cref="ArtifactRepository"/>: the run's (or model's) artifact URI chooses the store, and
/// the client talks to it directly (<c>s3://</c>, <c>wasbs://</c> with their packages) or through the tracking
/// server's proxy (<c>mlflow-artifacts:/</c>).
/// </summary>
public sealed partial class MlflowClient
{
    private const string LoggedArtifactsTag = "mlflow.loggedArtifacts";
    private static readonly Lazy<HttpClient> PresignedClient = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    });

    private readonly ConcurrentDictionary<string, string> artifactRoots = new(StringComparer.Ordinal);
    private ArtifactRepositoryRegistry? artifactRepositories;
    private ArtifactRepositoryContext? artifactContext;

    /// <summary>
    /// The artifact stores of this client by URI scheme: the built-in ones, those of
    /// <see cref="MlflowArtifactOptions.Repositories"/>, and the referenced <c>Mlflow.Artifacts.*</c> packages.
    /// </summary>
    public ArtifactRepositoryRegistry ArtifactRepositories => artifactRepositories ??= new ArtifactRepositoryRegistry(Settings.Artifacts.Repositories);

    private ArtifactRepositoryContext ArtifactContext => artifactContext ??= new ArtifactRepositoryContext(Settings, httpClient, static () => PresignedClient.Value, null);

    /// <summary>The repository of an artifact root URI or local path (its scheme chooses the store).</summary>
    /// <param name="rootUri">The root (<c>mlflow-artifacts:/1/abc/artifacts</c>, <c>s3://bucket/prefix</c>, <c>/data/x</c>, ...).</param>
    /// <returns>The repository.</returns>
    /// <exception cref="UnsupportedArtifactStoreException">No store serves the scheme; the message names the package to add.</exception>
    public ArtifactRepository GetArtifactRepository(string rootUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootUri);
        return ArtifactRepositories.Create(rootUri, ArtifactContext);
    }

    /// <summary>The repository of a run's artifact root (the run's <c>artifact_uri</c>, looked up once per run and cached).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The repository.</returns>
    public async Task<ArtifactRepository> GetRunArtifactRepositoryAsync(string runId, CancellationToken cancellationToken = default) =>
        GetArtifactRepository(await GetRunArtifactUriAsync(runId, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Resolves an artifact URI as MLflow does (<c>runs:/</c> through the run, <c>models:/</c> through the registry
    /// or the logged model) into the repository of its root and the path inside it.
    /// </summary>
    /// <param name="artifactUri">The URI.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The repository and the artifact path inside it (<c>""</c>: the root).</returns>
    public async Task<(ArtifactRepository Repository, string Path)> ResolveArtifactUriAsync(ArtifactUri artifactUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifactUri);
        switch (artifactUri.Kind)
        {
            case ArtifactUriKind.Run:
                return (await GetRunArtifactRepositoryAsync(artifactUri.RunId!, cancellationToken).ConfigureAwait(false), artifactUri.Path);
            case ArtifactUriKind.LoggedModel:
                return (GetArtifactRepository(await GetLoggedModelArtifactUriAsync(artifactUri.ModelId!, cancellationToken).ConfigureAwait(false)), "");
            case ArtifactUriKind.RegisteredModel:
                return (GetArtifactRepository(await GetModelVersionArtifactUriAsync(artifactUri, cancellationToken).ConfigureAwait(false)), artifactUri.Path);
            case ArtifactUriKind.Local:
            {
                // A local file or directory: its parent is the root, its name the artifact (as MLflow splits it).
                var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(artifactUri.LocalPath!));
                var parent = Path.GetDirectoryName(full);
                return parent is null
                    ? (GetArtifactRepository(full), "")
                    : (GetArtifactRepository(parent), ArtifactPath.Normalize(Path.GetFileName(full), nameof(artifactUri)));
            }

            default:
            {
                // A store location: its parent is the root and its last segment the artifact. Proxy URLs are
                // percent-encoded; store keys (s3://, wasbs://, ...) are taken literally, as MLflow does.
                var text = artifactUri.OriginalString;
                var trimmed = text.TrimEnd('/');
                var slash = trimmed.LastIndexOf('/');
                var schemeEnd = text.IndexOf(':', StringComparison.Ordinal);
                if (slash <= schemeEnd + 2 || trimmed.Length < text.Length)
                {
                    return (GetArtifactRepository(trimmed.Length == 0 ? text : trimmed), "");
                }

                var name = trimmed[(slash + 1)..];
                if (artifactUri.Kind is ArtifactUriKind.MlflowArtifacts or ArtifactUriKind.Http) name = Uri.UnescapeDataString(name);
                return (GetArtifactRepository(trimmed[..slash]), ArtifactPath.Normalize(name, nameof(artifactUri)));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ runs

    /// <summary>
    /// Logs a local file, or a directory with everything in it, as an artifact of a run (Python
    /// <c>log_artifact(run_id, local_path, artifact_path)</c>). A directory is logged under its own name inside
    /// <paramref name="artifactPath"/>.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="localPath">A local file or directory.</param>
    /// <param name="artifactPath">The directory inside the run's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports (bytes done and total, current file).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when everything is stored.</returns>
    /// <exception cref="ArgumentException">An invalid artifact path or file name (nothing was sent).</exception>
    /// <exception cref="FileNotFoundException"><paramref name="localPath"/> does not exist.</exception>
    public async Task LogArtifactAsync(string runId, string localPath, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        var directory = ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        if (!File.Exists(localPath) && !Directory.Exists(localPath)) throw new FileNotFoundException($"The local path '{localPath}' does not exist.", localPath);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists(localPath))
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath)));
            await repository.LogArtifactsAsync(localPath, ArtifactPath.Combine(directory, ArtifactPath.Normalize(name, nameof(localPath))), progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await repository.LogArtifactAsync(localPath, directory, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Logs every file under a local directory as artifacts of a run (Python <c>log_artifacts</c>), several files
    /// at a time; every name is checked before the first byte is sent.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="localDir">The local directory.</param>
    /// <param name="artifactPath">The directory inside the run's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when every file is stored.</returns>
    /// <exception cref="MlflowArtifactException">Some files failed (the others are stored); it lists them.</exception>
    public async Task LogArtifactsAsync(string runId, string localDir, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArgumentException.ThrowIfNullOrEmpty(localDir);
        ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        if (!Directory.Exists(localDir)) throw new DirectoryNotFoundException($"The local directory '{localDir}' does not exist.");
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        await repository.LogArtifactsAsync(localDir, artifactPath, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs text as a UTF-8 file artifact (Python <c>log_text(run_id, text, artifact_file)</c>).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="text">The text.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts (<c>notes/summary.txt</c>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    public async Task LogTextAsync(string runId, string text, string artifactFile, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArgumentNullException.ThrowIfNull(text);
        ArtifactPath.Normalize(artifactFile, nameof(artifactFile), allowTrailingSlash: false);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        await repository.LogBytesAsync(new UTF8Encoding(false).GetBytes(text), artifactFile, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs a JSON value (normally an object) as a JSON file, or as YAML when <paramref name="artifactFile"/> ends in
    /// <c>.yaml</c> or <c>.yml</c> (Python <c>log_dict</c>: JSON indented by 2; YAML in block style with sorted keys).
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="dictionary">The value.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    public async Task LogDictAsync(string runId, JsonNode? dictionary, string artifactFile, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArtifactPath.Normalize(artifactFile, nameof(artifactFile), allowTrailingSlash: false);
        var bytes = ArtifactFormats.Dictionary(dictionary, artifactFile);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        await repository.LogBytesAsync(bytes, artifactFile, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs a dictionary as a JSON file, or YAML for <c>.yaml</c>/<c>.yml</c> (Python <c>log_dict</c>). Values are
    /// serialized with System.Text.Json's defaults.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="dictionary">The dictionary.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    [RequiresUnreferencedCode("Serializes arbitrary values with reflection; use the JsonNode overload when trimming.")]
    [RequiresDynamicCode("Serializes arbitrary values with reflection; use the JsonNode overload for native AOT.")]
    public Task LogDictAsync(string runId, IReadOnlyDictionary<string, object?> dictionary, string artifactFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        return LogDictAsync(runId, JsonSerializer.SerializeToNode(dictionary), artifactFile, cancellationToken);
    }

    /// <summary>
    /// Logs a table as MLflow's table JSON (<c>{"columns": [...], "data": [[...], ...]}</c>, what pandas writes with
    /// <c>orient="split"</c>) and records it in the run's <c>mlflow.loggedArtifacts</c> tag so that MLflow's UI
    /// shows it (Python <c>log_table</c>). When the file already exists, the rows are appended, the columns united.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="data">Column name → the column's values (all columns of the same length): strings, numbers, booleans, dates, <see langword="null"/>.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts; must end in <c>.json</c>.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the table is stored and tagged.</returns>
    /// <exception cref="ArgumentException">Not a <c>.json</c> file, columns of different lengths, or an unsupported value type.</exception>
    public async Task LogTableAsync(string runId, IReadOnlyDictionary<string, IEnumerable> data, string artifactFile, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArgumentNullException.ThrowIfNull(data);
        var path = ArtifactPath.Normalize(artifactFile, nameof(artifactFile), allowTrailingSlash: false);
        if (!path.EndsWith(".json", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid artifact file path '{artifactFile}': a table is logged as a file with a '.json' extension.", nameof(artifactFile));
        }

        var table = ArtifactTable.FromColumns(data);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        var existing = await repository.ListArtifactsAsync(ArtifactPath.GetDirectory(path), cancellationToken).ConfigureAwait(false);
        if (existing.Any(e => !e.IsDirectory && e.Path == path))
        {
            var folder = Directory.CreateTempSubdirectory("mlflow-table-");
            try
            {
                var local = await repository.DownloadArtifactsAsync(path, folder.FullName, cancellationToken: cancellationToken).ConfigureAwait(false);
                table = ArtifactTable.Parse(await File.ReadAllBytesAsync(local, cancellationToken).ConfigureAwait(false), path).Append(table);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }

        await repository.LogBytesAsync(table.ToJson(), path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await TagLoggedArtifactAsync(runId, path, "table", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs an encoded image (PNG, JPEG, GIF, BMP, WebP or TIFF bytes) as a file artifact (Python
    /// <c>log_image(run_id, image, artifact_file)</c>). The bytes must match the file's extension.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="image">The encoded image.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts (<c>plots/roc.png</c>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the image is stored.</returns>
    /// <exception cref="ArgumentException">The extension is not an image's or does not match the bytes.</exception>
    public async Task LogImageAsync(string runId, ReadOnlyMemory<byte> image, string artifactFile, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        var path = ArtifactPath.Normalize(artifactFile, nameof(artifactFile), allowTrailingSlash: false);
        ArtifactFormats.CheckImage(image.Span, path, nameof(image));
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        await repository.LogBytesAsync(image, path, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs an encoded image read from a stream (see the bytes overload); the stream is read to its end.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="image">The encoded image.</param>
    /// <param name="artifactFile">The file's path inside the run's artifacts.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the image is stored.</returns>
    public async Task LogImageAsync(string runId, Stream image, string artifactFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new MemoryStream();
        await image.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        await LogImageAsync(runId, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), artifactFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The artifacts directly under <paramref name="path"/> in a run (Python <c>list_artifacts(run_id, path)</c>),
    /// listed by the run's artifact store, sorted by path; empty when the directory does not exist.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="path">A directory inside the run's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<ArtifactInfo>> ListArtifactsAsync(string runId, string? path = null, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArtifactPath.Normalize(path, nameof(path), allowEmpty: true);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        return await repository.ListArtifactsAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a run's artifact file or directory (<c>""</c>: all of them) into <paramref name="dstPath"/>, keeping
    /// its path (<c>model/MLmodel</c> → <c>dst/model/MLmodel</c>), and returns its local path (Python
    /// <c>download_artifacts(run_id, path, dst_path)</c>).
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="path">The file or directory inside the run's artifacts.</param>
    /// <param name="dstPath">An existing local directory (<see langword="null"/>: a new temporary directory).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation; no partial file is left under an artifact's name.</param>
    /// <returns>The local path of the file or directory.</returns>
    public async Task<string> DownloadArtifactsAsync(string runId, string path, string? dstPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckRunId(runId);
        ArgumentNullException.ThrowIfNull(path);
        ArtifactPath.Normalize(path, nameof(path), allowEmpty: true);
        var repository = await GetRunArtifactRepositoryAsync(runId, cancellationToken).ConfigureAwait(false);
        return await repository.DownloadArtifactsAsync(path, dstPath, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads what an artifact URI points at into <paramref name="dstPath"/> and returns its local path (Python
    /// <c>mlflow.artifacts.download_artifacts(artifact_uri=..., dst_path=...)</c>): <c>runs:/&lt;run_id&gt;/path</c>,
    /// <c>models:/&lt;name&gt;/&lt;version|stage|latest&gt;</c>, <c>models:/&lt;name&gt;@&lt;alias&gt;</c>,
    /// <c>models:/&lt;model_id&gt;</c>, <c>mlflow-artifacts:/...</c>, a store URI or a local path. As in MLflow, the
    /// last segment lands directly in <paramref name="dstPath"/> (<c>runs:/id/a/b</c> → <c>dst/b</c>).
    /// </summary>
    /// <param name="artifactUri">The URI (a string converts implicitly: <c>DownloadArtifactsAsync("runs:/abc/model")</c>).</param>
    /// <param name="dstPath">An existing local directory (<see langword="null"/>: a new temporary directory).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The local path of the file or directory.</returns>
    public async Task<string> DownloadArtifactsAsync(ArtifactUri artifactUri, string? dstPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifactUri);
        var (repository, path) = await ResolveArtifactUriAsync(artifactUri, cancellationToken).ConfigureAwait(false);
        // MLflow downloads the last segment relative to its parent: runs:/id/a/b lands at dst/b.
        return await repository.DownloadArtifactsAsync(path, dstPath, progress, keepParents: false, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------ logged models

    /// <summary>Logs a local file as an artifact of a logged model (Python <c>log_model_artifact(model_id, local_path)</c>).</summary>
    /// <param name="modelId">The logged model id (<c>m-...</c>).</param>
    /// <param name="localPath">The local file.</param>
    /// <param name="artifactPath">The directory inside the model's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    public async Task LogModelArtifactAsync(string modelId, string localPath, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        var repository = GetArtifactRepository(await GetLoggedModelArtifactUriAsync(modelId, cancellationToken).ConfigureAwait(false));
        await repository.LogArtifactAsync(localPath, artifactPath, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs every file under a local directory as artifacts of a logged model (Python <c>log_model_artifacts(model_id, local_dir)</c>).</summary>
    /// <param name="modelId">The logged model id.</param>
    /// <param name="localDir">The local directory.</param>
    /// <param name="artifactPath">The directory inside the model's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when every file is stored.</returns>
    public async Task LogModelArtifactsAsync(string modelId, string localDir, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        var repository = GetArtifactRepository(await GetLoggedModelArtifactUriAsync(modelId, cancellationToken).ConfigureAwait(false));
        await repository.LogArtifactsAsync(localDir, artifactPath, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The artifacts directly under <paramref name="path"/> in a logged model (Python <c>list_logged_model_artifacts</c>).</summary>
    /// <param name="modelId">The logged model id.</param>
    /// <param name="path">A directory inside the model's artifacts (<see langword="null"/>: the root).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, sorted by path.</returns>
    public async Task<IReadOnlyList<ArtifactInfo>> ListLoggedModelArtifactsAsync(string modelId, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArtifactPath.Normalize(path, nameof(path), allowEmpty: true);
        var repository = GetArtifactRepository(await GetLoggedModelArtifactUriAsync(modelId, cancellationToken).ConfigureAwait(false));
        return await repository.ListArtifactsAsync(path, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------ resolution

    /// <summary>
    /// The one place that reads artifact roots from the tracking server's answers (runs, logged models, model
    /// versions), so that the facade's model nullability stays out of the artifact code.
    /// </summary>
    private async Task<string> GetRunArtifactUriAsync(string runId, CancellationToken cancellationToken)
    {
        CheckRunId(runId);
        if (artifactRoots.TryGetValue(runId, out var cached)) return cached;
        var response = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = runId, cancellationToken).ConfigureAwait(false);
        var uri = response?.Run?.Info?.ArtifactUri;
        if (string.IsNullOrEmpty(uri)) throw new MlflowArtifactException($"The tracking server returned no artifact URI for run '{runId}'.");
        if (artifactRoots.Count > 1024) artifactRoots.Clear();
        artifactRoots[runId] = uri;
        return uri;
    }

    private async Task<string> GetLoggedModelArtifactUriAsync(string modelId, CancellationToken cancellationToken)
    {
        var response = await Api.Api.V20.Mlflow.LoggedModels[modelId].GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var uri = response?.Model?.Info?.ArtifactUri;
        if (string.IsNullOrEmpty(uri)) throw new MlflowArtifactException($"The tracking server returned no artifact URI for logged model '{modelId}'.");
        return uri;
    }

    private async Task<string> GetModelVersionArtifactUriAsync(ArtifactUri uri, CancellationToken cancellationToken)
    {
        var name = uri.ModelName!;
        string version;
        if (uri.ModelVersion is { } explicitVersion)
        {
            version = explicitVersion;
        }
        else if (uri.ModelAlias is { } alias)
        {
            var byAlias = await Api.Api.V20.Mlflow.RegisteredModels.Alias.GetAsync(c =>
            {
                c.QueryParameters.Name = name;
                c.QueryParameters.Alias = alias;
            }, cancellationToken).ConfigureAwait(false);
            version = byAlias?.ModelVersion?.Version ?? throw new MlflowException($"Registered model '{name}' has no version with alias '{alias}'.", MlflowErrorCode.ResourceDoesNotExist);
        }
        else
        {
            var request = new Mlflow.Client.Models.GetLatestVersions { Name = name };
            if (uri.ModelStage is { } stage) request.Stages = [stage];
            var latest = await Api.Api.V20.Mlflow.RegisteredModels.GetLatestVersions.PostAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            var numbers = (latest?.ModelVersions ?? []).Select(v => long.TryParse(v.Version, out var n) ? n : -1).Where(n => n >= 0).ToList();
            if (numbers.Count == 0)
            {
                var stageText = uri.ModelStage is { } s ? $" and stage '{s}'" : "";
                throw new MlflowException($"No versions of model with name '{name}'{stageText} found.", MlflowErrorCode.ResourceDoesNotExist);
            }

            version = numbers.Max().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var download = await Api.Api.V20.Mlflow.ModelVersions.GetDownloadUri.GetAsync(c =>
        {
            c.QueryParameters.Name = name;
            c.QueryParameters.Version = version;
        }, cancellationToken).ConfigureAwait(false);
        var artifactUri = download?.ArtifactUri;
        if (string.IsNullOrEmpty(artifactUri)) throw new MlflowArtifactException($"The tracking server returned no download URI for model '{name}' version {version}.");
        return artifactUri;
    }

    private async Task TagLoggedArtifactAsync(string runId, string path, string type, CancellationToken cancellationToken)
    {
        var run = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = runId, cancellationToken).ConfigureAwait(false);
        var current = run?.Run?.Data?.Tags?.FirstOrDefault(t => t.Key == LoggedArtifactsTag)?.Value;
        var entries = new List<(string Path, string Type)>();
        if (!string.IsNullOrEmpty(current))
        {
            try
            {
                using var document = JsonDocument.Parse(current);
                foreach (var item in document.RootElement.EnumerateArray())
                {
                    entries.Add((item.GetProperty("path").GetString() ?? "", item.GetProperty("type").GetString() ?? ""));
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                entries.Clear();
            }
        }

        if (entries.Contains((path, type))) return;
        entries.Add((path, type));
        var value = "[" + string.Join(", ", entries.Select(e => $"{{\"path\": {JsonString(e.Path)}, \"type\": {JsonString(e.Type)}}}")) + "]";
        await Api.Api.V20.Mlflow.Runs.SetTag.PostAsync(new Mlflow.Client.Models.SetTag { RunId = runId, Key = LoggedArtifactsTag, Value = value }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string JsonString(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    private static void CheckRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (runId.Contains(':', StringComparison.Ordinal) || runId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{runId}' is not a run id. To pass an artifact URI such as 'runs:/<run_id>/path', call DownloadArtifactsAsync(artifactUri: \"{runId}\", dstPath: ...).",
                nameof(runId));
        }
    }
}
