namespace Mlflow.Artifacts;

/// <summary>
/// Artifacts in a local directory: <c>file:///path</c>, <c>file:/path</c> or a plain path (relative paths are
/// resolved against the current directory). Files are written to a temporary name and renamed when complete.
/// As in MLflow, a download without a destination returns the file in place instead of copying it.
/// </summary>
public sealed class LocalArtifactRepository : ArtifactRepository
{
    private readonly string root;

    /// <summary>Creates the repository of a local root.</summary>
    /// <param name="rootUri">A <c>file:</c> URI or a local path.</param>
    /// <param name="context">Settings and services of the client.</param>
    public LocalArtifactRepository(string rootUri, ArtifactRepositoryContext context)
        : base(rootUri, context)
    {
        var parsed = ArtifactUri.Parse(rootUri);
        if (parsed.Kind != ArtifactUriKind.Local) throw new ArgumentException($"'{rootUri}' is not a local artifact location.", nameof(rootUri));
        root = Path.GetFullPath(parsed.LocalPath!);
    }

    /// <summary>The local directory of the root.</summary>
    public string RootDirectory => root;

    /// <inheritdoc />
    protected override async Task UploadFileAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        var target = LocalPath(upload.ArtifactPath);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".mlflow-{Guid.NewGuid():N}.partial");
        try
        {
            var source = upload.OpenRead();
            await using (source.ConfigureAwait(false))
            {
                var destination = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                await using (destination.ConfigureAwait(false))
                {
                    await MlflowArtifactsRepository.CopyAsync(source, new ProgressWriteStream(destination, upload.Progress), Timeout.InfiniteTimeSpan, "COPY", new Uri(target), cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ArtifactInfo>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var directory = new DirectoryInfo(LocalPath(path));
        IReadOnlyList<ArtifactInfo> result = !directory.Exists
            ? []
            : directory.EnumerateFileSystemInfos()
                .Where(e => !IsPartial(e.Name))
                .Select(e => new ArtifactInfo(ArtifactPath.Combine(path, e.Name), e is DirectoryInfo, e is FileInfo f ? f.Length : null))
                .ToList();
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    protected override async Task DownloadFileAsync(ArtifactDownload download, CancellationToken cancellationToken)
    {
        var source = LocalPath(download.ArtifactPath);
        if (!File.Exists(source)) throw new MlflowException($"No such artifact: '{download.ArtifactPath}' in '{RootUri}'.", MlflowErrorCode.ResourceDoesNotExist);
        var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            await MlflowArtifactsRepository.CopyAsync(stream, download.Destination, Timeout.InfiniteTimeSpan, "COPY", new Uri(source), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var target = LocalPath(path);
        if (File.Exists(target)) File.Delete(target);
        else if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override string? GetLocalPathInPlace(string artifactPath)
    {
        var local = LocalPath(artifactPath);
        return File.Exists(local) || Directory.Exists(local) ? local : null;
    }

    private static bool IsPartial(string name) => name.StartsWith(".mlflow-", StringComparison.Ordinal) && name.EndsWith(".partial", StringComparison.Ordinal);

    private string LocalPath(string artifactPath) =>
        artifactPath.Length == 0 ? root : Path.Combine(root, artifactPath.Replace('/', Path.DirectorySeparatorChar));
}

/// <summary>The stores built into <c>Mlflow.Client</c>.</summary>
public static class BuiltInArtifactRepositories
{
    /// <summary>The tracking server's proxy: <c>mlflow-artifacts</c>, and <c>http</c>/<c>https</c> proxy URLs.</summary>
    public static IArtifactRepositoryProvider Proxy { get; } = new ProxyProvider();

    /// <summary>Local directories: <c>file</c> URIs and plain paths.</summary>
    public static IArtifactRepositoryProvider Local { get; } = new LocalProvider();

    private sealed class ProxyProvider : IArtifactRepositoryProvider
    {
        public IReadOnlyList<string> Schemes { get; } = ["mlflow-artifacts", "http", "https"];

        public ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context) => new MlflowArtifactsRepository(rootUri, context);
    }

    private sealed class LocalProvider : IArtifactRepositoryProvider
    {
        public IReadOnlyList<string> Schemes { get; } = ["file"];

        public ArtifactRepository Create(string rootUri, ArtifactRepositoryContext context) => new LocalArtifactRepository(rootUri, context);
    }
}
