using System.Security.Cryptography;

namespace Mlflow.Testing.Server;

/// <summary>
/// Where the embedded server's artifact proxy keeps files: in memory (the default) or in a directory
/// (<see cref="MlflowTestServerOptions.ArtifactsDestination"/>, MLflow's <c>--artifacts-destination</c>). Keys are
/// canonical relative paths (<c>1/abc/artifacts/model/MLmodel</c>). Content is streamed in and out, never held as
/// one array, so large uploads cost the server little memory (in the directory store, none).
/// </summary>
internal abstract class ArtifactStore
{
    /// <summary>Stores <paramref name="content"/> at <paramref name="path"/>, replacing a file there; visible only when complete.</summary>
    public abstract Task WriteAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a file, or returns <see langword="null"/> when there is none.</summary>
    public abstract Stream? OpenRead(string path);

    /// <summary>The direct children of a directory (<c>""</c>: the root): names, whether directories, file sizes.</summary>
    public abstract IReadOnlyList<(string Name, bool IsDir, long? Size)> ListChildren(string directory);

    /// <summary>Deletes a file or everything below a directory.</summary>
    public abstract void Delete(string path);

    /// <summary>A scratch area for multipart parts.</summary>
    public abstract PartStore CreatePartStore(string uploadId);
}

/// <summary>The parts of one multipart upload, until completed or aborted.</summary>
internal abstract class PartStore : IDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<int, (string ETag, long Length)> parts = new();

    public async Task<string> WritePartAsync(int number, Stream content, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var length = await WriteAsync(number, new HashingStream(content, md5), cancellationToken).ConfigureAwait(false);
        var etag = "\"" + Convert.ToHexStringLower(md5.GetHashAndReset()) + "\"";
        lock (gate) parts[number] = (etag, length);
        return etag;
    }

    public (string ETag, long Length)? Part(int number)
    {
        lock (gate) return parts.TryGetValue(number, out var part) ? part : null;
    }

    /// <summary>The parts' bytes, in the given order, as one stream.</summary>
    public Stream Concatenate(IReadOnlyList<int> numbers) => new ConcatenatedStream(numbers.Select(n => (Func<Stream>)(() => OpenPart(n))).ToList());

    protected abstract Task<long> WriteAsync(int number, Stream content, CancellationToken cancellationToken);

    protected abstract Stream OpenPart(int number);

    public abstract void Dispose();

    private sealed class HashingStream(Stream inner, IncrementalHash hash) : ReadOnlyForwardStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer.Span[..n]);
            return n;
        }
    }
}

/// <summary>Files in memory, in 1 MiB chunks.</summary>
internal sealed class InMemoryArtifactStore : ArtifactStore
{
    private readonly object gate = new();
    private readonly SortedDictionary<string, ChunkedBuffer> files = new(StringComparer.Ordinal);

    public override async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var buffer = await ChunkedBuffer.ReadAsync(content, cancellationToken).ConfigureAwait(false);
        lock (gate) files[path] = buffer;
    }

    public override Stream? OpenRead(string path)
    {
        lock (gate) return files.TryGetValue(path, out var buffer) ? buffer.OpenRead() : null;
    }

    public override IReadOnlyList<(string Name, bool IsDir, long? Size)> ListChildren(string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var children = new SortedDictionary<string, (bool IsDir, long? Size)>(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var (key, value) in files)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var rest = key[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0) children[rest] = (false, value.Length);
                else children[rest[..slash]] = (true, null);
            }
        }

        return children.Select(c => (c.Key, c.Value.IsDir, c.Value.Size)).ToList();
    }

    public override void Delete(string path)
    {
        lock (gate)
        {
            files.Remove(path);
            foreach (var key in files.Keys.Where(k => path.Length == 0 || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList()) files.Remove(key);
        }
    }

    public override PartStore CreatePartStore(string uploadId) => new MemoryParts();

    private sealed class MemoryParts : PartStore
    {
        private readonly Dictionary<int, ChunkedBuffer> parts = new();

        protected override async Task<long> WriteAsync(int number, Stream content, CancellationToken cancellationToken)
        {
            var buffer = await ChunkedBuffer.ReadAsync(content, cancellationToken).ConfigureAwait(false);
            lock (parts) parts[number] = buffer;
            return buffer.Length;
        }

        protected override Stream OpenPart(int number)
        {
            lock (parts) return parts[number].OpenRead();
        }

        public override void Dispose()
        {
            lock (parts) parts.Clear();
        }
    }
}

/// <summary>Files in a directory (MLflow's local artifact repository layout); written to a temporary name, then renamed.</summary>
internal sealed class DirectoryArtifactStore : ArtifactStore
{
    private const string PartsFolder = ".mlflow-testing-mpu";
    private readonly string root;

    public DirectoryArtifactStore(string root)
    {
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public override async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var target = Local(path);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Guid.NewGuid():N}.upload");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, 1024 * 1024, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public override Stream? OpenRead(string path)
    {
        var local = Local(path);
        return File.Exists(local) ? new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan) : null;
    }

    public override IReadOnlyList<(string Name, bool IsDir, long? Size)> ListChildren(string directory)
    {
        var local = new DirectoryInfo(Local(directory));
        if (!local.Exists) return [];
        return local.EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.') || (!e.Name.EndsWith(".upload", StringComparison.Ordinal) && e.Name != PartsFolder))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => (e.Name, e is DirectoryInfo, e is FileInfo f ? f.Length : (long?)null))
            .ToList();
    }

    public override void Delete(string path)
    {
        var local = Local(path);
        if (File.Exists(local)) File.Delete(local);
        else if (Directory.Exists(local) && local != root) Directory.Delete(local, recursive: true);
    }

    public override PartStore CreatePartStore(string uploadId) => new FileParts(Path.Combine(root, PartsFolder, uploadId));

    private string Local(string path) => path.Length == 0 ? root : Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));

    private sealed class FileParts : PartStore
    {
        private readonly string folder;

        public FileParts(string folder)
        {
            this.folder = folder;
            Directory.CreateDirectory(folder);
        }

        protected override async Task<long> WriteAsync(int number, Stream content, CancellationToken cancellationToken)
        {
            var file = new FileStream(Path.Combine(folder, number.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, 1024 * 1024, cancellationToken).ConfigureAwait(false);
                return file.Length;
            }
        }

        protected override Stream OpenPart(int number) =>
            new FileStream(Path.Combine(folder, number.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

        public override void Dispose()
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Bytes in 1 MiB chunks (no large-object-heap array of the whole file, no doubling copies).</summary>
internal sealed class ChunkedBuffer
{
    private const int ChunkSize = 1024 * 1024;
    private readonly List<byte[]> chunks = [];

    public long Length { get; private set; }

    public static async Task<ChunkedBuffer> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new ChunkedBuffer();
        while (true)
        {
            var chunk = new byte[ChunkSize];
            var filled = 0;
            while (filled < ChunkSize)
            {
                var n = await content.ReadAsync(chunk.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                filled += n;
            }

            if (filled == 0) break;
            if (filled < ChunkSize) Array.Resize(ref chunk, filled);
            buffer.chunks.Add(chunk);
            buffer.Length += filled;
            if (filled < ChunkSize) break;
        }

        return buffer;
    }

    public Stream OpenRead() => new ConcatenatedStream(chunks.Select(c => (Func<Stream>)(() => new MemoryStream(c, writable: false))).ToList());
}

/// <summary>
/// A stream that is only read, front to back: no length, position, seeking or writing. The array overload of
/// <c>ReadAsync</c> goes through the <see cref="Memory{T}"/> one; each stream implements that and the synchronous
/// <c>Read</c> itself.
/// </summary>
internal abstract class ReadOnlyForwardStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Streams opened one after the other.</summary>
internal sealed class ConcatenatedStream(IReadOnlyList<Func<Stream>> parts) : ReadOnlyForwardStream
{
    private int index = -1;
    private Stream? current;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (current is null)
            {
                if (++index >= parts.Count) return 0;
                current = parts[index]();
            }

            var n = await current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0) return n;
            await current.DisposeAsync().ConfigureAwait(false);
            current = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) current?.Dispose();
        base.Dispose(disposing);
    }
}
