using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mlflow.Tracing.Tests.Infrastructure;

/// <summary>
/// A chat client that answers without a network: the reply echoes the last user message, with fixed token counts;
/// when tools are offered and no tool result is in the conversation yet, it asks for the first tool instead.
/// </summary>
public sealed class FakeChatClient(string model = "fake-gpt") : IChatClient
{
    public int Calls { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var list = messages.ToList();
        if (options?.Tools is { Count: > 0 } tools && !list.Any(m => m.Contents.OfType<FunctionResultContent>().Any()))
        {
            var call = new FunctionCallContent("call-1", tools[0].Name, new Dictionary<string, object?> { ["city"] = "Paris" });
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call]))
            {
                ResponseId = "resp-tool",
                ModelId = model,
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 4, TotalTokenCount = 24 },
            });
        }
        var last = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var toolResult = list.SelectMany(m => m.Contents.OfType<FunctionResultContent>()).LastOrDefault()?.Result;
        var text = toolResult is null ? $"You said: {last}" : $"The weather is {toolResult}";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = "resp-1",
            ModelId = model,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 6, TotalTokenCount = 16 },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls++;
        foreach (var word in new[] { "Hello", " from", " the", " stream" })
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word) { ResponseId = "resp-stream", ModelId = model };
        }
        yield return new ChatResponseUpdate
        {
            ResponseId = "resp-stream",
            FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 4, TotalTokenCount = 11 })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake-provider", new Uri("http://localhost/fake"), model) : null;

    public void Dispose()
    {
    }
}
