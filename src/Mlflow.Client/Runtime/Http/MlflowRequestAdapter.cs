using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Abstractions.Store;

namespace Mlflow;

/// <summary>
/// Kiota's request adapter with one change: when reading an answer fails with an <see cref="MlflowException"/>
/// (an <see cref="MlflowProtocolException"/> from the JSON reader), that exception reaches the caller instead of
/// Kiota's <see cref="ApiException"/> wrapping it, so every failure of a call is an <see cref="MlflowException"/>.
/// </summary>
internal sealed class MlflowRequestAdapter(IRequestAdapter inner) : IRequestAdapter
{
    public ISerializationWriterFactory SerializationWriterFactory => inner.SerializationWriterFactory;

    public string? BaseUrl
    {
        get => inner.BaseUrl;
        set => inner.BaseUrl = value;
    }

    public void EnableBackingStore(IBackingStoreFactory backingStoreFactory) => inner.EnableBackingStore(backingStoreFactory);

    public Task<ModelType?> SendAsync<ModelType>(RequestInformation requestInfo, ParsableFactory<ModelType> factory, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable =>
        Unwrap(Checked(requestInfo), inner.SendAsync(requestInfo, factory, errorMapping, cancellationToken));

    public Task<IEnumerable<ModelType>?> SendCollectionAsync<ModelType>(RequestInformation requestInfo, ParsableFactory<ModelType> factory, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable =>
        Unwrap(Checked(requestInfo), inner.SendCollectionAsync(requestInfo, factory, errorMapping, cancellationToken));

    public Task<ModelType?> SendPrimitiveAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] ModelType>(RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default) =>
        Unwrap(Checked(requestInfo), inner.SendPrimitiveAsync<ModelType>(requestInfo, errorMapping, cancellationToken));

    public Task<IEnumerable<ModelType>?> SendPrimitiveCollectionAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] ModelType>(RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default) =>
        Unwrap(Checked(requestInfo), inner.SendPrimitiveCollectionAsync<ModelType>(requestInfo, errorMapping, cancellationToken));

    public async Task SendNoContentAsync(RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
    {
        Checked(requestInfo);
        try
        {
            await inner.SendNoContentAsync(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.InnerException is MlflowException mlflow)
        {
            ExceptionDispatchInfo.Throw(mlflow);
        }
    }

    public Task<T?> ConvertToNativeRequestAsync<T>(RequestInformation requestInfo, CancellationToken cancellationToken = default) =>
        inner.ConvertToNativeRequestAsync<T>(requestInfo, cancellationToken);

    private static RequestInformation Checked(RequestInformation request)
    {
        foreach (var (name, value) in request.PathParameters)
        {
            if (value is string text && text is "." or "..")
            {
                throw new ArgumentException(
                    $"The path parameter '{name}' is '{text}', which URL normalization removes: the request would reach another route. No MLflow identifier is '.' or '..'.",
                    name);
            }
        }

        return request;
    }

    private static async Task<T> Unwrap<T>(RequestInformation _, Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.InnerException is MlflowException mlflow)
        {
            ExceptionDispatchInfo.Throw(mlflow);
            throw;
        }
    }
}
