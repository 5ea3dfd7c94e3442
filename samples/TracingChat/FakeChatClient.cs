using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mlflow.Samples.TracingChat;

/// <summary>
/// A stand-in for a real model (OpenAI, Azure OpenAI, Ollama...): answers from a few canned rules, with token counts,
/// and asks for the <c>get_weather</c> tool when it is offered and not yet called. No network.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var toolResult = list.SelectMany(m => m.Contents.OfType<FunctionResultContent>()).LastOrDefault();
        if (toolResult is null && options?.Tools?.FirstOrDefault(t => t.Name == "get_weather") is { } tool)
        {
            var call = new FunctionCallContent("call-1", tool.Name, new Dictionary<string, object?> { ["city"] = "Paris" });
            return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, [call]), ChatFinishReason.ToolCalls, 42, 9));
        }
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var text = toolResult is not null ? $"It is {toolResult.Result} in Paris today." : $"You asked: \"{question}\". MLflow traces this call.";
        return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, text), ChatFinishReason.Stop, 30 + question.Length / 4, text.Length / 4));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, "fake-gpt-4o") : null;

    public void Dispose()
    {
    }

    private static ChatResponse Reply(ChatMessage message, ChatFinishReason reason, int input, int output) => new(message)
    {
        ResponseId = $"resp-{Guid.NewGuid():N}",
        ModelId = "fake-gpt-4o",
        FinishReason = reason,
        Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
    };
}
