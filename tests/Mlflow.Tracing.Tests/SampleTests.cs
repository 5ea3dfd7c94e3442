using Mlflow.Samples.TracingChat;

namespace Mlflow.Tracing.Tests;

/// <summary>The tracing sample (samples/TracingChat) runs against the embedded server and prints the span tree it read back.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task The_tracing_sample_prints_its_trace()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await TracingChatSample.RunAsync(output, trackingUri: null));
        var text = output.ToString();
        Assert.Contains("- travel_assistant [AGENT] OK", text);
        Assert.Contains("- chat fake-gpt-4o [CHAT_MODEL] OK", text);
        Assert.Contains("- execute_tool packing_tip [TOOL] OK", text);
        Assert.Contains("feedback    helpful = true", text);
        Assert.Matches(@"tokens      \d+ in, \d+ out", text);
    }
}
