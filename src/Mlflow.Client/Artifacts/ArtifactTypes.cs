namespace Mlflow.Artifacts;

/// <summary>One entry of an artifact listing (Python: <c>mlflow.entities.FileInfo</c>).</summary>
/// <param name="Path">The path relative to the artifact root (<c>model/MLmodel</c>).</param>
/// <param name="IsDirectory">Whether the entry is a directory.</param>
/// <param name="FileSize">The size in bytes of a file; <see langword="null"/> for directories or when the store does not tell.</param>
public sealed record ArtifactInfo(string Path, bool IsDirectory, long? FileSize);

/// <summary>Whether bytes go to the store or come from it.</summary>
public enum ArtifactTransferDirection
{
    /// <summary>Logging: local files to the artifact store.</summary>
    Upload,
    /// <summary>Downloading: the artifact store to local files.</summary>
    Download,
}

/// <summary>
/// A progress report of an artifact transfer (one <c>LogArtifact...</c> or <c>DownloadArtifacts...</c> call):
/// the file the report is about and the totals of the whole call. Reports of parallel files interleave.
/// </summary>
/// <param name="Direction">Upload or download.</param>
/// <param name="ArtifactPath">The artifact path of the file this report is about.</param>
/// <param name="FileBytesTransferred">Bytes of that file transferred so far.</param>
/// <param name="FileLength">That file's size, when known.</param>
/// <param name="BytesTransferred">Bytes of the whole call transferred so far.</param>
/// <param name="TotalBytes">Bytes of the whole call, when known.</param>
/// <param name="FilesCompleted">Files of the call finished so far.</param>
/// <param name="TotalFiles">Files in the call.</param>
/// <param name="FileCompleted"><see langword="true"/> on the report that ends the file (it is stored, or written locally).</param>
public sealed record ArtifactTransferProgress(
    ArtifactTransferDirection Direction,
    string ArtifactPath,
    long FileBytesTransferred,
    long? FileLength,
    long BytesTransferred,
    long? TotalBytes,
    int FilesCompleted,
    int TotalFiles,
    bool FileCompleted);

/// <summary>
/// Progress of one file, handed to an <see cref="ArtifactRepository"/>'s store operations; stores report bytes as
/// they move them. Thread-safe. A store that restarts a file (a retry) calls <see cref="Restart"/>.
/// </summary>
public sealed class ArtifactFileProgress
{
    private const long ReportEvery = 256 * 1024;
    private readonly ArtifactTransferTracker? tracker;
    private long transferred;
    private long lastReported = -1;

    internal ArtifactFileProgress(ArtifactTransferTracker? tracker, string artifactPath, long? length)
    {
        this.tracker = tracker;
        ArtifactPath = artifactPath;
        Length = length;
    }

    /// <summary>The artifact path of the file.</summary>
    public string ArtifactPath { get; }

    /// <summary>The file's size, when known.</summary>
    public long? Length { get; }

    /// <summary>Bytes transferred so far.</summary>
    public long Transferred => Interlocked.Read(ref transferred);

    /// <summary>Adds <paramref name="bytes"/> transferred bytes.</summary>
    /// <param name="bytes">Bytes moved since the last call.</param>
    public void Add(long bytes)
    {
        if (bytes == 0) return;
        var now = Interlocked.Add(ref transferred, bytes);
        tracker?.AddBytes(bytes);
        OnAdd?.Invoke(bytes);
        MaybeReport(now);
    }

    /// <summary>Also told of every <see cref="Add"/> (a part's counter feeding its file's progress).</summary>
    internal Action<long>? OnAdd { get; init; }

    /// <summary>Sets the bytes transferred so far (for SDKs that report running totals).</summary>
    /// <param name="total">Bytes moved since the file started.</param>
    public void Set(long total)
    {
        long before;
        do
        {
            before = Interlocked.Read(ref transferred);
            if (total <= before) return;
        }
        while (Interlocked.CompareExchange(ref transferred, total, before) != before);
        tracker?.AddBytes(total - before);
        MaybeReport(total);
    }

    /// <summary>Forgets the bytes reported so far (the store starts the file over).</summary>
    public void Restart()
    {
        var before = Interlocked.Exchange(ref transferred, 0);
        tracker?.AddBytes(-before);
        Interlocked.Exchange(ref lastReported, -1);
    }

    /// <summary>Wraps a stream so that the bytes read from it count as transferred (for uploads through a stream).</summary>
    /// <param name="content">The content being sent; the wrapper owns it.</param>
    /// <returns>The counting stream.</returns>
    public Stream CountReads(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new ProgressReadStream(content, this);
    }

    internal void Complete() => tracker?.Report(this, Transferred, completed: true);

    private void MaybeReport(long now)
    {
        var last = Interlocked.Read(ref lastReported);
        if (tracker is null || (last >= 0 && now - last < ReportEvery && now != Length)) return;
        if (Interlocked.CompareExchange(ref lastReported, now, last) == last) tracker.Report(this, now, completed: false);
    }
}

/// <summary>Totals of one transfer call; builds the <see cref="ArtifactTransferProgress"/> reports.</summary>
internal sealed class ArtifactTransferTracker(ArtifactTransferDirection direction, IProgress<ArtifactTransferProgress>? progress, int totalFiles, long? totalBytes)
{
    private long bytes;
    private int files;

    public ArtifactFileProgress StartFile(string artifactPath, long? length) => new(progress is null ? null : this, artifactPath, length);

    public void AddBytes(long delta) => Interlocked.Add(ref bytes, delta);

    public void Report(ArtifactFileProgress file, long fileBytes, bool completed)
    {
        if (progress is null) return;
        var done = completed ? Interlocked.Increment(ref files) : Volatile.Read(ref files);
        progress.Report(new ArtifactTransferProgress(direction, file.ArtifactPath, fileBytes, file.Length, Interlocked.Read(ref bytes), totalBytes, done, totalFiles, completed));
    }
}

/// <summary>
/// One file to store: its artifact path, size and content. The content is opened on demand (<see cref="OpenRead()"/>),
/// so a store can read it more than once (retries) or in ranges (multipart uploads) without buffering it.
/// </summary>
public sealed class ArtifactUpload
{
    private readonly Func<Stream>? open;

    private ArtifactUpload(string artifactPath, long length, string? localPath, Func<Stream>? open)
    {
        ArtifactPath = artifactPath;
        Length = length;
        LocalPath = localPath;
        this.open = open;
        ContentType = ArtifactContentTypes.Guess(artifactPath);
    }

    /// <summary>The artifact path relative to the repository root (canonical, see <see cref="Artifacts.ArtifactPath"/>).</summary>
    public string ArtifactPath { get; }

    /// <summary>The content length in bytes.</summary>
    public long Length { get; }

    /// <summary>The local file, when the content is a file.</summary>
    public string? LocalPath { get; }

    /// <summary>The MIME type guessed from the file name (<c>application/octet-stream</c> when unknown), as MLflow guesses it.</summary>
    public string ContentType { get; }

    /// <summary>Progress of this file; stores call <see cref="ArtifactFileProgress.Add"/> as bytes go out.</summary>
    public ArtifactFileProgress Progress { get; internal set; } = null!;

    /// <summary>A file upload.</summary>
    /// <param name="localPath">The local file.</param>
    /// <param name="artifactPath">Canonical artifact path.</param>
    /// <returns>The upload.</returns>
    public static ArtifactUpload FromFile(string localPath, string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(localPath);
        var info = new FileInfo(localPath);
        if (!info.Exists) throw new FileNotFoundException($"The local file '{localPath}' does not exist.", localPath);
        return new ArtifactUpload(artifactPath, info.Length, info.FullName, null);
    }

    /// <summary>An upload of bytes in memory.</summary>
    /// <param name="content">The bytes (not copied; do not change them during the upload).</param>
    /// <param name="artifactPath">Canonical artifact path.</param>
    /// <returns>The upload.</returns>
    public static ArtifactUpload FromBytes(ReadOnlyMemory<byte> content, string artifactPath)
    {
        return new ArtifactUpload(artifactPath, content.Length, null, () => new ReadOnlyMemoryStream(content));
    }

    /// <summary>Opens the whole content for reading (a new stream each call; the caller disposes it).</summary>
    /// <returns>A readable, seekable stream.</returns>
    public Stream OpenRead() => open is not null
        ? open()
        : new FileStream(LocalPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Opens <paramref name="count"/> bytes of the content from <paramref name="offset"/> (a multipart part).</summary>
    /// <param name="offset">Start offset.</param>
    /// <param name="count">Number of bytes.</param>
    /// <returns>A readable, seekable stream over the range.</returns>
    public Stream OpenRead(long offset, long count)
    {
        var inner = OpenRead();
        return new RangeStream(inner, offset, Math.Min(count, Length - offset));
    }
}

/// <summary>One file to fetch: its artifact path, expected size and the destination stream.</summary>
public sealed class ArtifactDownload
{
    internal ArtifactDownload(string artifactPath, long? length, Stream destination, ArtifactFileProgress progress)
    {
        ArtifactPath = artifactPath;
        Length = length;
        Destination = destination;
        Progress = progress;
    }

    /// <summary>The artifact path relative to the repository root.</summary>
    public string ArtifactPath { get; }

    /// <summary>The size from the listing, when known.</summary>
    public long? Length { get; }

    /// <summary>Where the bytes go: a seekable file stream positioned at 0 (a temporary file renamed when complete).</summary>
    public Stream Destination { get; }

    /// <summary>Progress of this file; stores call <see cref="ArtifactFileProgress.Add"/> as bytes come in.</summary>
    public ArtifactFileProgress Progress { get; }
}

/// <summary>An artifact operation failed (a transfer of one or more files, or a store answer the SDK cannot use).</summary>
public class MlflowArtifactException : MlflowException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="failedPaths">The artifact paths that were not transferred.</param>
    public MlflowArtifactException(string message, Exception? innerException = null, IReadOnlyList<string>? failedPaths = null)
        : base(message, MlflowErrorCode.InternalError, innerException)
    {
        FailedPaths = failedPaths ?? [];
    }

    /// <summary>The artifact paths that were not transferred (empty when the failure is not about files).</summary>
    public IReadOnlyList<string> FailedPaths { get; }
}

/// <summary>No artifact repository is registered for an artifact URI's scheme.</summary>
public sealed class UnsupportedArtifactStoreException : MlflowException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="artifactUri">The URI.</param>
    /// <param name="message">The explanation, naming the package to add when there is one.</param>
    public UnsupportedArtifactStoreException(string scheme, string artifactUri, string message)
        : base(message, MlflowErrorCode.InvalidParameterValue)
    {
        Scheme = scheme;
        ArtifactUri = artifactUri;
    }

    /// <summary>The URI scheme without a repository.</summary>
    public string Scheme { get; }

    /// <summary>The artifact URI.</summary>
    public string ArtifactUri { get; }
}

/// <summary>MIME types by file extension (the common ones MLflow's <c>_guess_mime_type</c> knows).</summary>
public static class ArtifactContentTypes
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".log"] = "text/plain", [".md"] = "text/markdown", [".csv"] = "text/csv",
        [".tsv"] = "text/tab-separated-values", [".json"] = "application/json", [".yaml"] = "application/x-yaml",
        [".yml"] = "application/x-yaml", [".html"] = "text/html", [".htm"] = "text/html", [".xml"] = "application/xml",
        [".py"] = "text/x-python", [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif", [".bmp"] = "image/bmp", [".webp"] = "image/webp", [".svg"] = "image/svg+xml",
        [".tif"] = "image/tiff", [".tiff"] = "image/tiff", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".gz"] = "application/gzip", [".tar"] = "application/x-tar", [".parquet"] = "application/octet-stream",
        [".pkl"] = "application/octet-stream", [".onnx"] = "application/octet-stream",
    };

    /// <summary>The MIME type of a file name, <c>application/octet-stream</c> when unknown.</summary>
    /// <param name="fileName">A file name or path.</param>
    /// <returns>The MIME type.</returns>
    public static string Guess(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var dot = fileName.LastIndexOf('.');
        var slash = fileName.LastIndexOf('/');
        if (dot <= slash + 0 || dot < 0) return "application/octet-stream";
        return Types.TryGetValue(fileName[dot..], out var type) ? type : "application/octet-stream";
    }
}
