using System.Net;

namespace Mlflow;

/// <summary>
/// A streamed answer (artifact bytes) whose read errors become <see cref="MlflowException"/>s: a body that breaks
/// off is an <see cref="MlflowConnectionException"/>, one whose <c>Content-Encoding</c> does not decode an
/// <see cref="MlflowProtocolException"/>. Headers are those of the original content.
/// </summary>
internal sealed class MlflowStreamedContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly string method;
    private readonly Uri? uri;
    private readonly HttpStatusCode status;

    public MlflowStreamedContent(HttpContent inner, HttpRequestMessage request, HttpStatusCode status)
    {
        this.inner = inner;
        method = request.Method.Method;
        uri = request.RequestUri is null ? null : MlflowErrorParser.RedactUserInfo(request.RequestUri);
        this.status = status;
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new TranslatingStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), this);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    private Exception Translate(Exception error) => error switch
    {
        InvalidDataException => new MlflowProtocolException(
            $"The answer to {method} {uri} ({(int)status}) could not be decoded (Content-Encoding: {string.Join(",", Headers.ContentEncoding)}): {error.Message}",
            MlflowProtocolException.Details($"The answer to {method} {uri} could not be decoded: {error.Message}", Headers.ContentType?.ToString(), status, method, uri),
            error),
        _ => new MlflowConnectionException(
            $"The answer to {method} {uri} ({(int)status}) broke off while its body was read: {error.Message}. It is not retried, as part of it was already handed on.",
            method, uri, 1, TimeSpan.Zero, error),
    };

    private sealed class TranslatingStream(Stream inner, MlflowStreamedContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw owner.Translate(ex);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw owner.Translate(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
