"""Django's core exceptions, with the same class hierarchy."""


class ObjectDoesNotExist(Exception):
    """The requested object does not exist."""

    silent_variable_failure = True


class MultipleObjectsReturned(Exception):
    """The query returned several objects where one was expected."""


class FieldDoesNotExist(Exception):
    """The model has no field of the requested name."""


class FieldError(Exception):
    """A lookup names a field that the model does not have."""


class ValidationError(Exception):
    """A value failed validation."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params
