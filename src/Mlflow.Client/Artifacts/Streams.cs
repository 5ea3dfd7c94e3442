namespace Mlflow.Artifacts;

/// <summary>
/// The shared part of the read-only streams below: writing is not supported, the array overloads of Read go through
/// the span and memory ones (which each stream implements), and the inner stream it owns, if any, is disposed with it.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    /// <summary>The stream disposed with this one (none by default).</summary>
    protected virtual Stream? Owned => null;

    public sealed override bool CanRead => true;
    public sealed override bool CanWrite => false;

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Flush() { }
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Owned?.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => Owned?.DisposeAsync() ?? base.DisposeAsync();
}

/// <summary>A read-only, seekable window of another stream (a multipart part of a file). Owns the inner stream.</summary>
internal sealed class RangeStream : ReadOnlyStream
{
    private readonly Stream inner;
    private readonly long start;
    private readonly long length;
    private long position;

    public RangeStream(Stream inner, long start, long length)
    {
        this.inner = inner;
        this.start = start;
        this.length = Math.Max(0, length);
        inner.Seek(start, SeekOrigin.Begin);
    }

    protected override Stream Owned => inner;

    public override bool CanSeek => true;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, length - position)]);
        position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, length - position)], cancellationToken).ConfigureAwait(false);
        position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        if (target < 0 || target > length) throw new ArgumentOutOfRangeException(nameof(offset));
        inner.Seek(start + target, SeekOrigin.Begin);
        position = target;
        return position;
    }

}

/// <summary>A read-only stream over memory that it does not copy.</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> content) : ReadOnlyStream
{
    private int position;

    public override bool CanSeek => true;
    public override long Length => content.Length;

    public override long Position
    {
        get => position;
        set => position = (int)Math.Clamp(value, 0, content.Length);
    }

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, content.Length - position);
        content.Span.Slice(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => content.Length + offset,
        };
        return position;
    }

}

/// <summary>
/// Reports the bytes read through it to an <see cref="ArtifactFileProgress"/>; seeking back to 0 (an HTTP retry
/// re-sending the body) restarts the file's count. Optionally signals every read to a stall watchdog.
/// </summary>
internal sealed class ProgressReadStream(Stream inner, ArtifactFileProgress progress, Action? onActivity = null, bool restartOnRewind = true) : ReadOnlyStream
{
    protected override Stream Owned => inner;

    public override bool CanSeek => inner.CanSeek;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        progress.Add(n);
        onActivity?.Invoke();
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        progress.Add(n);
        onActivity?.Invoke();
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var before = inner.Position;
        var target = inner.Seek(offset, origin);
        if (target == 0 && before != 0 && restartOnRewind) progress.Restart();
        return target;
    }

}

/// <summary>Reports the bytes written through it to an <see cref="ArtifactFileProgress"/>. Does not own the inner stream.</summary>
internal sealed class ProgressWriteStream(Stream inner, ArtifactFileProgress progress) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        progress.Add(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        progress.Add(buffer.Length);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = inner.Seek(offset, origin);
        if (target == 0) progress.Restart();
        return target;
    }

    public override void SetLength(long value)
    {
        inner.SetLength(value);
        if (value == 0) progress.Restart();
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
