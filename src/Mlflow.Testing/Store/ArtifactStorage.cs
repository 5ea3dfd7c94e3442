namespace Mlflow.Testing.Store;

/// <summary>One child of an artifact directory.</summary>
internal sealed record ArtifactEntry(string Name, bool IsDirectory, long? Size);

/// <summary>
/// The bytes behind the artifact routes. Paths are relative, '/'-separated and already checked (no <c>..</c>, no
/// <c>.</c>, not absolute): <c>&lt;experiment&gt;/&lt;run&gt;/artifacts/model/weights.bin</c>. Safe for concurrent use.
/// </summary>
internal interface IArtifactStorage
{
    /// <summary>Stores <paramref name="content"/> at <paramref name="path"/>, replacing what was there.</summary>
    Task WriteAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>The content at <paramref name="path"/>, or null when there is no such file.</summary>
    Stream? OpenRead(string path);

    /// <summary>Removes the file at <paramref name="path"/>, or the directory and everything under it.</summary>
    void Delete(string path);

    /// <summary>The immediate children of a directory (<c>""</c>: the root), sorted by name; empty when there is none.</summary>
    IReadOnlyList<ArtifactEntry> List(string directory);
}

/// <summary>The default: files in memory, gone with the server.</summary>
internal sealed class MemoryArtifactStorage : IArtifactStorage
{
    private readonly SortedDictionary<string, byte[]> files = new(StringComparer.Ordinal);

    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        lock (files) files[path] = buffer.ToArray();
    }

    public Stream? OpenRead(string path)
    {
        lock (files) return files.TryGetValue(path, out var bytes) ? new MemoryStream(bytes, writable: false) : null;
    }

    public void Delete(string path)
    {
        lock (files)
        {
            files.Remove(path);
            foreach (var key in files.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList()) files.Remove(key);
        }
    }

    public IReadOnlyList<ArtifactEntry> List(string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var children = new SortedDictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        lock (files)
        {
            foreach (var (key, value) in files)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var rest = key[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0) children[rest] = new ArtifactEntry(rest, false, value.LongLength);
                else children[rest[..slash]] = new ArtifactEntry(rest[..slash], true, null);
            }
        }
        return children.Values.ToList();
    }
}

/// <summary>Files under a directory on disk (<c>&lt;DataDirectory&gt;/artifacts</c>): kept across restarts.</summary>
internal sealed class DirectoryArtifactStorage : IArtifactStorage
{
    private readonly string root;

    public DirectoryArtifactStorage(string root)
    {
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Written next to the target and moved into place: a reader never sees half a file.
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public Stream? OpenRead(string path)
    {
        var target = Resolve(path);
        try
        {
            return new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Delete(string path)
    {
        var target = Resolve(path);
        if (File.Exists(target)) File.Delete(target);
        else if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
    }

    public IReadOnlyList<ArtifactEntry> List(string directory)
    {
        var target = directory.Length == 0 ? root : Resolve(directory);
        if (!Directory.Exists(target)) return [];
        var info = new DirectoryInfo(target);
        return info.EnumerateFileSystemInfos()
            .Where(e => !e.Name.EndsWith(".partial", StringComparison.Ordinal))
            .Select(e => e is FileInfo f ? new ArtifactEntry(f.Name, false, f.Length) : new ArtifactEntry(e.Name, true, null))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    private string Resolve(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"Artifact path '{path}' leaves the artifact root.");
        return full;
    }
}
