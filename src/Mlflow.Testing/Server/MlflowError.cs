namespace Mlflow.Testing.Server;

/// <summary>
/// An MLflow error answer: <c>{"error_code", "message", "sqlstate", "error_class"}</c> with the status MLflow maps
/// the code to. Thrown by handlers and stores; written by <see cref="ErrorHandlingMiddleware"/>.
/// </summary>
internal sealed class MlflowError(string errorCode, string message, int status) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    public int Status { get; } = status;

    /// <summary>MLflow's <c>error_class</c>: usually the code, with a few renamings.</summary>
    public string ErrorClass => ErrorCode switch
    {
        "RESOURCE_DOES_NOT_EXIST" => "RESOURCE_NOT_FOUND",
        "INTERNAL_ERROR" => "CLIENT_INTERNAL_ERROR",
        _ => ErrorCode,
    };

    public static MlflowError InvalidParameter(string message) => new("INVALID_PARAMETER_VALUE", message, 400);

    public static MlflowError NotFound(string message) => new("RESOURCE_DOES_NOT_EXIST", message, 404);

    public static MlflowError AlreadyExists(string message) => new("RESOURCE_ALREADY_EXISTS", message, 400);

    public static MlflowError NotImplemented(string message) => new("NOT_IMPLEMENTED", message, 501);

    public static MlflowError MissingParameter(string name) =>
        InvalidParameter($"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");

    public static T Required<T>(T? value, string name) where T : class =>
        value is null || (value is string s && s.Length == 0) ? throw MissingParameter(name) : value;
}
