using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.Deployments.Tests.Infrastructure;
using static Mlflow.Deployments.Tests.DeploymentsServerReplayTests;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// Server-Sent Events handling of <see cref="IDeploymentClient.PredictStreamAsync"/>: framing across reads, comments,
/// multi-line data, terminators, error frames, broken bodies and cancellation.
/// </summary>
public sealed class SseStreamingTests
{
    private static readonly WireExchange ChatStream = WireExchange.Load("deployments", "invoke-chat-stream");

    [Fact]
    public async Task Recorded_stream_split_at_every_byte_position_yields_the_same_chunks()
    {
        var body = Encoding.UTF8.GetBytes(ChatStream.ResponseRawBody);
        var expected = ChatStream.RecordedEventData();
        for (var position = 1; position < body.Length; position++)
        {
            var chunks = await Stream(body, splits: [position]);
            Assert.Equal(expected, chunks.Select(c => c.Data));
        }
    }

    [Fact]
    public async Task Recorded_stream_read_one_byte_at_a_time_yields_the_same_chunks()
    {
        var chunks = await Stream(Encoding.UTF8.GetBytes(ChatStream.ResponseRawBody), readSize: 1);
        Assert.Equal(ChatStream.RecordedEventData(), chunks.Select(c => c.Data));
    }

    [Fact]
    public async Task Multi_byte_characters_split_anywhere_decode_intact()
    {
        const string text = "h\u00e9llo \U0001F44B \u4e16\u754c";
        var body = Encoding.UTF8.GetBytes($"data: {new JsonObject { ["t"] = text }.ToJsonString()}\n\n");
        for (var position = 1; position < body.Length; position++)
        {
            var chunk = Assert.Single(await Stream(body, splits: [position]));
            Assert.Equal(text, chunk.Json!["t"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Comments_blank_lines_and_CRLF_are_tolerated()
    {
        var chunks = await Stream(
            ": keep-alive\n\n\n\ndata: {\"n\":1}\n\n: another comment\r\n\r\ndata: {\"n\":2}\r\n\r\n\n");
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], chunks.Select(c => c.Data));
    }

    [Fact]
    public async Task Multi_line_data_is_joined_with_newlines()
    {
        var chunk = Assert.Single(await Stream("data: {\"a\":\ndata: 1,\ndata:\"b\":2}\n\n"));
        Assert.Equal("{\"a\":\n1,\n\"b\":2}", chunk.Data);
        Assert.Equal(2, chunk.Json!["b"]!.GetValue<int>());
    }

    [Fact]
    public async Task Event_type_and_id_are_kept()
    {
        var chunk = Assert.Single(await Stream("event: delta\nid: 7\ndata: {}\n\n"));
        Assert.Equal(("delta", "7"), (chunk.EventType, chunk.EventId));
    }

    [Fact]
    public async Task Last_event_without_final_blank_line_is_still_delivered()
    {
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], (await Stream("data: {\"n\":1}\n\ndata: {\"n\":2}\n")).Select(c => c.Data));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], (await Stream("data: {\"n\":1}\n\ndata: {\"n\":2}")).Select(c => c.Data));
    }

    [Fact]
    public async Task DONE_ends_the_stream_and_nothing_after_it_is_read()
    {
        var chunks = await Stream("data: {\"n\":1}\n\ndata: [DONE]\n\ndata: {\"n\":2}\n\n");
        Assert.Equal(["{\"n\":1}"], chunks.Select(c => c.Data));
    }

    [Fact]
    public async Task Stream_without_DONE_ends_when_the_body_ends()
    {
        // The Deployments server never sends [DONE] (recorded): the chunks before the end are all there.
        var chunks = await Stream(ChatStream.ResponseRawBody);
        Assert.Equal(5, chunks.Count);
    }

    [Fact]
    public async Task Error_frame_mid_stream_throws_after_the_chunks_before_it()
    {
        var received = new List<PredictionChunk>();
        var e = await Assert.ThrowsAsync<DeploymentsStreamException>(async () =>
        {
            await foreach (var chunk in Client(Answer("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: {\"error\": {\"message\": \"upstream exploded\", \"type\": \"ProviderError\"}}\n\ndata: {\"n\":3}\n\n")).PredictStreamAsync(endpoint: "chat", inputs: Chat("hi")))
            {
                received.Add(chunk);
            }
        });
        Assert.Equal(2, received.Count);
        Assert.Equal(2, e.ChunksReceived);
        Assert.Contains("upstream exploded", e.Message);
        Assert.Contains("ProviderError", e.Message);
        Assert.Equal("upstream exploded", e.ErrorFrame!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Error_event_type_throws()
    {
        var e = await Assert.ThrowsAsync<DeploymentsStreamException>(() => Stream("data: {\"n\":1}\n\nevent: error\ndata: rate limited upstream\n\n"));
        Assert.Equal(1, e.ChunksReceived);
        Assert.Contains("rate limited upstream", e.Message);
    }

    [Fact]
    public async Task Body_breaking_off_after_some_events_throws_a_stream_error()
    {
        var recorded = Encoding.UTF8.GetBytes(ChatStream.ResponseRawBody);
        var cut = ChatStream.ResponseRawBody.IndexOf("data: ", 1, StringComparison.Ordinal);
        cut = ChatStream.ResponseRawBody.IndexOf("data: ", cut + 1, StringComparison.Ordinal) + 10; // inside the third event
        var received = new List<PredictionChunk>();
        var e = await Assert.ThrowsAsync<DeploymentsStreamException>(async () =>
        {
            await foreach (var chunk in Client(Answer(recorded[..cut], failure: new IOException("connection reset"))).PredictStreamAsync(endpoint: "chat", inputs: Chat("hi")))
            {
                received.Add(chunk);
            }
        });
        Assert.Equal(2, received.Count);
        Assert.Equal(2, e.ChunksReceived);
        Assert.IsType<IOException>(e.InnerException);
    }

    [Fact]
    public async Task Cancellation_mid_stream_stops_the_enumeration()
    {
        var first = Encoding.UTF8.GetBytes("data: {\"n\":1}\n\n");
        using var client = Client(() => SseResponse(new StallingStream(first)));
        using var cts = new CancellationTokenSource();
        var received = new List<PredictionChunk>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in client.PredictStreamAsync(endpoint: "chat", inputs: Chat("hi"), cancellationToken: cts.Token))
            {
                received.Add(chunk);
                cts.Cancel(); // the server is stalled: only cancellation ends the read
            }
        });
        Assert.Single(received);
    }

    [Fact]
    public async Task Cancellation_through_WithCancellation_stops_the_enumeration()
    {
        using var client = Client(() => SseResponse(new StallingStream(Encoding.UTF8.GetBytes("data: {\"n\":1}\n\n"))));
        using var cts = new CancellationTokenSource();
        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.PredictStreamAsync(endpoint: "chat", inputs: Chat("hi")).WithCancellation(cts.Token))
            {
                count++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Error_status_before_the_stream_maps_like_any_error()
    {
        var e = await Assert.ThrowsAsync<DeploymentNotFoundException>(() =>
            Collect(Client(() => ReplayHandler.Answer(404, "{\"detail\":\"Not Found\"}", "application/json")).PredictStreamAsync(endpoint: "nope", inputs: Chat("hi"))));
        Assert.Equal("Not Found", e.Detail);
    }

    private static Task<List<PredictionChunk>> Stream(string body) => Stream(Encoding.UTF8.GetBytes(body));

    private static async Task<List<PredictionChunk>> Stream(byte[] body, IReadOnlyList<int>? splits = null, int readSize = 0)
    {
        using var client = Client(Answer(body, splits, readSize));
        return await Collect(client.PredictStreamAsync(endpoint: "chat", inputs: Chat("hi")));
    }

    private static MlflowDeploymentClient Client(Func<HttpResponseMessage> answer)
    {
        var handler = new ReplayHandler();
        handler.Enqueue(answer);
        return Wire.DeploymentsClient(handler);
    }

    private static Func<HttpResponseMessage> Answer(string body) => Answer(Encoding.UTF8.GetBytes(body));

    private static Func<HttpResponseMessage> Answer(byte[] body, IReadOnlyList<int>? splits = null, int readSize = 0, Exception? failure = null) =>
        () => SseResponse(new ScriptedStream(body, readSize, failure, splits));

    private static HttpResponseMessage SseResponse(Stream body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.TryAddWithoutValidation("content-type", "text/event-stream; charset=utf-8");
        return response;
    }

    /// <summary>Hands out its bytes, then never answers again until the read is cancelled.</summary>
    private sealed class StallingStream(byte[] data) : Stream
    {
        private bool _done;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_done)
            {
                _done = true;
                data.CopyTo(buffer);
                return data.Length;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
