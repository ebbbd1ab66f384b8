namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} rejected: {Code} {Reason}")]
        public static partial void RequestRejected(ILogger logger, string method, string path, string code, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path}: client went away before the answer")]
        public static partial void ClientAborted(ILogger logger, string method, string path);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
        public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);
    }
}
