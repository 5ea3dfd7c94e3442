namespace Mlflow.Deployments.Http;

/// <summary>
/// Read-only wrapper that, when the inner body ends, adds one <c>\n\n</c>. The SSE parser (per the SSE standard)
/// drops a last event that is not followed by a blank line; MLflow's Python client reads lines and would still
/// deliver it. The extra line ends such an event; after a properly terminated stream it only adds blank lines,
/// which dispatch nothing. A body that breaks off still throws from the inner stream.
/// </summary>
internal sealed class EventStreamEndStream(Stream inner) : Stream
{
    private static readonly byte[] Terminator = "\n\n"u8.ToArray();
    private int _terminatorPosition = -1;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_terminatorPosition < 0)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                return read;
            }

            _terminatorPosition = 0;
        }

        return Terminate(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_terminatorPosition < 0)
        {
            var read = inner.Read(buffer);
            if (read > 0)
            {
                return read;
            }

            _terminatorPosition = 0;
        }

        return Terminate(buffer);
    }

    private int Terminate(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, Terminator.Length - _terminatorPosition);
        Terminator.AsSpan(_terminatorPosition, n).CopyTo(buffer);
        _terminatorPosition += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
