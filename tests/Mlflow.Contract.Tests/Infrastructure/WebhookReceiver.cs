using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlflow.Contract.Tests.Infrastructure;

/// <summary>One delivery as received: headers and the exact body bytes.</summary>
public sealed record ReceivedDelivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>A local webhook receiver (Kestrel on 127.0.0.1, free port) that keeps every delivery and answers <c>{"received": true}</c>.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedDelivery> deliveries = new();
    private readonly SemaphoreSlim arrived = new(0);
    private WebApplication? app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedDelivery> Deliveries => deliveries;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var web = builder.Build();
        web.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.deliveries.Enqueue(new ReceivedDelivery(context.Request.Path, headers, buffer.ToArray()));
            receiver.arrived.Release();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"received\": true}");
        });
        await web.StartAsync();
        receiver.app = web;
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUri = new Uri(address);
        return receiver;
    }

    /// <summary>
    /// Waits until a delivery matching <paramref name="match"/> has arrived. Deliveries are asynchronous (after the
    /// API call answered), so this waits for an event, not for a time; the generous bound only stops a broken run.
    /// </summary>
    public async Task<ReceivedDelivery> WaitForAsync(Func<ReceivedDelivery, bool> match)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var found = deliveries.FirstOrDefault(match);
            if (found is not null) return found;
            await arrived.WaitAsync(guard.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        arrived.Dispose();
    }
}
