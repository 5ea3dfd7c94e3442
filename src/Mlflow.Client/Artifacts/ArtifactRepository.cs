using System.Collections.Concurrent;

namespace Mlflow.Artifacts;

/// <summary>
/// The artifacts under one root URI (a run's <c>artifact_uri</c>, a logged model's, or any store location), in one
/// store: the tracking server's proxy (<c>mlflow-artifacts:</c>), the local file system, or a store package
/// (<c>Mlflow.Artifacts.S3</c>, <c>Mlflow.Artifacts.Azure</c>). A store implements four operations on single
/// files and directories (<see cref="UploadFileAsync"/>, <see cref="ListDirectoryAsync"/>,
/// <see cref="DownloadFileAsync"/>, <see cref="DeleteAsync"/>); this class composes them the way MLflow's Python
/// <c>ArtifactRepository</c> does: folders, bounded parallelism, progress, path checks, and downloads that appear
/// under their final name only when complete.
/// </summary>
public abstract class ArtifactRepository
{
    /// <summary>Creates a repository for a root URI.</summary>
    /// <param name="rootUri">The artifact root URI.</param>
    /// <param name="context">Settings and services of the client.</param>
    protected ArtifactRepository(string rootUri, ArtifactRepositoryContext context)
    {
        ArgumentNullException.ThrowIfNull(rootUri);
        ArgumentNullException.ThrowIfNull(context);
        RootUri = rootUri;
        Context = context;
    }

    /// <summary>The artifact root URI.</summary>
    public string RootUri { get; }

    /// <summary>Settings and services of the client.</summary>
    protected ArtifactRepositoryContext Context { get; }

    /// <summary>How many files are transferred at once (<see cref="MlflowArtifactSettings.MaxConcurrency"/>).</summary>
    protected int MaxConcurrency => Context.Settings.MaxConcurrency;

    // ------------------------------------------------------------------------------------------ store operations

    /// <summary>Stores one file at <see cref="ArtifactUpload.ArtifactPath"/> (relative to the root), reporting progress.</summary>
    /// <param name="upload">The file.</param>
    /// <param name="cancellationToken">Cancellation; a cancelled upload must not leave a stored artifact.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    protected abstract Task UploadFileAsync(ArtifactUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// The direct children of a directory (<c>""</c>: the root), with paths relative to the root; an empty list when
    /// the directory does not exist or <paramref name="path"/> is a file.
    /// </summary>
    /// <param name="path">A canonical directory path.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries.</returns>
    protected abstract Task<IReadOnlyList<ArtifactInfo>> ListDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>Copies one file into <see cref="ArtifactDownload.Destination"/> (bytes written there count as progress).</summary>
    /// <param name="download">The file and its destination.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when every byte is written.</returns>
    protected abstract Task DownloadFileAsync(ArtifactDownload download, CancellationToken cancellationToken);

    /// <summary>Deletes a file or a directory tree (<c>""</c>: everything under the root).</summary>
    /// <param name="path">A canonical path.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when deleted.</returns>
    protected virtual Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The artifact repository for '{RootUri}' does not delete artifacts.");

    /// <summary>
    /// Why this store would not keep <paramref name="artifactPath"/> exactly (e.g. a proxy that renames some names),
    /// or <see langword="null"/>. Checked for every file before any byte is sent.
    /// </summary>
    /// <param name="artifactPath">A canonical artifact path relative to the root.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    protected virtual string? CheckArtifactPath(string artifactPath) => null;

    /// <summary>
    /// The local path of an artifact when the repository is on the local file system and the caller gave no
    /// destination (MLflow returns such files in place instead of copying them), else <see langword="null"/>.
    /// </summary>
    /// <param name="artifactPath">A canonical artifact path.</param>
    /// <returns>The local path, or <see langword="null"/>.</returns>
    protected virtual string? GetLocalPathInPlace(string artifactPath) => null;

    // ------------------------------------------------------------------------------------------ composed operations

    /// <summary>Logs a local file under <paramref name="artifactPath"/> (a directory; the file keeps its name).</summary>
    /// <param name="localFile">The local file.</param>
    /// <param name="artifactPath">The directory inside the root (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    /// <exception cref="ArgumentException">Invalid artifact path (nothing was sent).</exception>
    /// <exception cref="FileNotFoundException">The local file does not exist.</exception>
    public Task LogArtifactAsync(string localFile, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var directory = ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        if (!File.Exists(localFile))
        {
            throw Directory.Exists(localFile)
                ? new ArgumentException($"'{localFile}' is a directory; use LogArtifactsAsync to log a directory.", nameof(localFile))
                : new FileNotFoundException($"The local file '{localFile}' does not exist.", localFile);
        }

        var name = ArtifactPath.Normalize(Path.GetFileName(Path.GetFullPath(localFile)), nameof(localFile));
        var upload = ArtifactUpload.FromFile(localFile, CheckedPath(ArtifactPath.Combine(directory, name), nameof(localFile)));
        return UploadAllAsync([upload], progress, cancellationToken);
    }

    /// <summary>
    /// Logs every file under a local directory (recursively, hidden files included, directory links not followed)
    /// under <paramref name="artifactPath"/>, <see cref="MaxConcurrency"/> files at a time. All names are checked
    /// before the first byte is sent. When some files fail, the others are still stored and an
    /// <see cref="MlflowArtifactException"/> lists the failed ones.
    /// </summary>
    /// <param name="localDir">The local directory.</param>
    /// <param name="artifactPath">The directory inside the root (<see langword="null"/>: the root).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when every file is stored.</returns>
    public Task LogArtifactsAsync(string localDir, string? artifactPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localDir);
        var directory = ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        if (!Directory.Exists(localDir))
        {
            throw File.Exists(localDir)
                ? new ArgumentException($"'{localDir}' is a file; use LogArtifactAsync to log a file.", nameof(localDir))
                : new DirectoryNotFoundException($"The local directory '{localDir}' does not exist.");
        }

        var root = Path.GetFullPath(localDir);
        var uploads = new List<ArtifactUpload>();
        foreach (var file in EnumerateFiles(new DirectoryInfo(root)))
        {
            var relative = Path.GetRelativePath(root, file.FullName);
            if (Path.DirectorySeparatorChar != '/') relative = relative.Replace(Path.DirectorySeparatorChar, '/');
            string path;
            try
            {
                path = ArtifactPath.Combine(directory, ArtifactPath.Normalize(relative, nameof(localDir), allowTrailingSlash: false));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The local file '{file.FullName}' cannot be logged: {ex.Message}", nameof(localDir), ex);
            }

            uploads.Add(ArtifactUpload.FromFile(file.FullName, CheckedPath(path, nameof(localDir))));
        }

        return UploadAllAsync(uploads, progress, cancellationToken);
    }

    /// <summary>Logs bytes as the file <paramref name="artifactFile"/> (what <c>LogText</c>, <c>LogDict</c>... write).</summary>
    /// <param name="content">The bytes.</param>
    /// <param name="artifactFile">The file's artifact path.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    public Task LogBytesAsync(ReadOnlyMemory<byte> content, string artifactFile, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = CheckedPath(ArtifactPath.Normalize(artifactFile, nameof(artifactFile), allowTrailingSlash: false), nameof(artifactFile));
        return UploadAllAsync([ArtifactUpload.FromBytes(content, path)], progress, cancellationToken);
    }

    /// <summary>The direct children of <paramref name="path"/> (<see langword="null"/>: the root), sorted by path.</summary>
    /// <param name="path">A directory inside the root.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries; empty when the directory does not exist or <paramref name="path"/> is a file.</returns>
    public async Task<IReadOnlyList<ArtifactInfo>> ListArtifactsAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var directory = ArtifactPath.Normalize(path, nameof(path), allowEmpty: true);
        var entries = await ListDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        return entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Downloads a file or a whole directory (<c>""</c>: everything) into <paramref name="dstPath"/>, keeping the
    /// path below the root (<c>model/MLmodel</c> lands at <c>dst/model/MLmodel</c>), and returns the local path of
    /// what was asked for. Each file is written to a temporary name and renamed when complete, so a failed or
    /// cancelled download leaves no partial file under an artifact's name.
    /// </summary>
    /// <param name="artifactPath">The file or directory inside the root.</param>
    /// <param name="dstPath">An existing local directory (<see langword="null"/>: a new temporary directory).</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The local path of the file or directory.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="dstPath"/> does not exist.</exception>
    public Task<string> DownloadArtifactsAsync(string? artifactPath = null, string? dstPath = null, IProgress<ArtifactTransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadArtifactsAsync(artifactPath, dstPath, progress, keepParents: true, cancellationToken);

    internal async Task<string> DownloadArtifactsAsync(string? artifactPath, string? dstPath, IProgress<ArtifactTransferProgress>? progress, bool keepParents, CancellationToken cancellationToken)
    {
        var path = ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true);
        if (dstPath is null && GetLocalPathInPlace(path) is { } inPlace) return inPlace;
        string destination;
        if (dstPath is null)
        {
            destination = Directory.CreateTempSubdirectory("mlflow-artifacts-").FullName;
        }
        else
        {
            destination = Path.GetFullPath(dstPath);
            if (File.Exists(destination)) throw new ArgumentException($"The destination path for downloaded artifacts must be a directory: '{dstPath}'.", nameof(dstPath));
            if (!Directory.Exists(destination)) throw new DirectoryNotFoundException($"The destination path for downloaded artifacts does not exist: '{dstPath}'.");
        }

        var files = new List<ArtifactInfo>();
        var directories = new List<string>();
        var isDirectory = path.Length == 0;
        if (!isDirectory)
        {
            var children = await ListDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
            isDirectory = children.Count > 0;
            if (isDirectory) await CollectAsync(path, children, files, directories, cancellationToken).ConfigureAwait(false);
            else files.Add(new ArtifactInfo(path, false, null));
        }
        else
        {
            var children = await ListDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
            await CollectAsync(path, children, files, directories, cancellationToken).ConfigureAwait(false);
        }

        var dropped = keepParents ? "" : ArtifactPath.GetDirectory(path);
        string Local(string artifact) => LocalPathFor(destination, dropped.Length == 0 ? artifact : artifact[(dropped.Length + 1)..]);
        var target = Local(path);
        if (isDirectory)
        {
            Directory.CreateDirectory(target);
            foreach (var directory in directories) Directory.CreateDirectory(Local(directory));
        }

        long? total = files.All(f => f.FileSize is not null) ? files.Sum(f => f.FileSize!.Value) : null;
        var tracker = new ArtifactTransferTracker(ArtifactTransferDirection.Download, progress, files.Count, total);
        await RunAllAsync(
            files,
            f => f.Path,
            (file, token) => DownloadOneAsync(file, Local(file.Path), tracker, token),
            cancellationToken).ConfigureAwait(false);
        return target;
    }

    /// <summary>Deletes a file or a directory tree (<see langword="null"/>: everything under the root), where the store supports it.</summary>
    /// <param name="artifactPath">The path.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when deleted.</returns>
    public Task DeleteArtifactsAsync(string? artifactPath = null, CancellationToken cancellationToken = default) =>
        DeleteAsync(ArtifactPath.Normalize(artifactPath, nameof(artifactPath), allowEmpty: true), cancellationToken);

    // ------------------------------------------------------------------------------------------ helpers

    private string CheckedPath(string artifactPath, string parameterName)
    {
        if (CheckArtifactPath(artifactPath) is { } problem)
        {
            throw new ArgumentException($"Invalid artifact path '{artifactPath}' for '{RootUri}': {problem}.", parameterName);
        }

        return artifactPath;
    }

    private async Task UploadAllAsync(IReadOnlyList<ArtifactUpload> uploads, IProgress<ArtifactTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var tracker = new ArtifactTransferTracker(ArtifactTransferDirection.Upload, progress, uploads.Count, uploads.Sum(u => u.Length));
        await RunAllAsync(
            uploads,
            u => u.ArtifactPath,
            async (upload, token) =>
            {
                upload.Progress = tracker.StartFile(upload.ArtifactPath, upload.Length);
                await UploadFileAsync(upload, token).ConfigureAwait(false);
                upload.Progress.Set(upload.Length); // stored: every byte is there, whatever the store's last event said
                upload.Progress.Complete();
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task DownloadOneAsync(ArtifactInfo file, string localPath, ArtifactTransferTracker tracker, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        var temporary = Path.Combine(Path.GetDirectoryName(localPath)!, $".mlflow-{Guid.NewGuid():N}.partial");
        var fileProgress = tracker.StartFile(file.Path, file.FileSize);
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var counting = new ProgressWriteStream(stream, fileProgress);
                await DownloadFileAsync(new ArtifactDownload(file.Path, file.FileSize, counting, fileProgress), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (file.FileSize is { } expected && stream.Length != expected)
                {
                    throw new MlflowArtifactException($"Incomplete download of '{file.Path}' from '{RootUri}': {stream.Length} of {expected} bytes.", failedPaths: [file.Path]);
                }
            }

            File.Move(temporary, localPath, overwrite: true);
            fileProgress.Complete();
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private async Task CollectAsync(string directory, IReadOnlyList<ArtifactInfo> children, List<ArtifactInfo> files, List<string> directories, CancellationToken cancellationToken)
    {
        foreach (var child in children)
        {
            var path = CheckListed(child.Path, directory);
            if (child.IsDirectory)
            {
                directories.Add(path);
                var grandChildren = await ListDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
                await CollectAsync(path, grandChildren, files, directories, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                files.Add(child with { Path = path });
            }
        }
    }

    private string CheckListed(string path, string parent)
    {
        if (!ArtifactPath.IsValid(path) || (parent.Length > 0 && !path.StartsWith(parent + "/", StringComparison.Ordinal)))
        {
            throw new MlflowArtifactException($"The artifact store at '{RootUri}' listed an unsafe or unexpected path '{path}' under '{parent}'; nothing was written for it.");
        }

        return path;
    }

    private static string LocalPathFor(string destination, string artifactPath)
    {
        if (artifactPath.Length == 0) return destination;
        var local = Path.GetFullPath(Path.Combine(destination, artifactPath.Replace('/', Path.DirectorySeparatorChar)));
        var root = destination.EndsWith(Path.DirectorySeparatorChar) ? destination : destination + Path.DirectorySeparatorChar;
        if (!local.StartsWith(root, StringComparison.Ordinal))
        {
            throw new MlflowArtifactException($"The artifact path '{artifactPath}' does not stay inside the destination '{destination}'.");
        }

        return local;
    }

    private static IEnumerable<FileInfo> EnumerateFiles(DirectoryInfo directory)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo child)
            {
                if (child.LinkTarget is not null) continue; // as os.walk(followlinks=False)
                foreach (var file in EnumerateFiles(child)) yield return file;
            }
            else if (entry is FileInfo file)
            {
                yield return file;
            }
        }
    }

    private async Task RunAllAsync<T>(IReadOnlyList<T> items, Func<T, string> name, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (items.Count == 0) return;
        if (items.Count == 1)
        {
            await action(items[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        var failures = new ConcurrentBag<(string Path, Exception Error)>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, options, async (item, token) =>
        {
            try
            {
                await action(item, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                failures.Add((name(item), ex));
            }
        }).ConfigureAwait(false);

        if (failures.IsEmpty) return;
        var failed = failures.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var listed = string.Join(", ", failed.Take(10).Select(f => $"'{f.Path}'")) + (failed.Count > 10 ? $" and {failed.Count - 10} more" : "");
        throw new MlflowArtifactException(
            $"{failed.Count} of {items.Count} artifact files failed for '{RootUri}': {listed}. First error: {failed[0].Error.Message}",
            new AggregateException(failed.Select(f => f.Error)),
            failed.Select(f => f.Path).ToList());
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary name never looks like the artifact.
        }
    }
}
