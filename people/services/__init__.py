"""Writes for people, one module per concern; the names are re-exported here."""

from .accounts import (  # noqa: F401
    generate_password,
    guardians_assign,
    profile_ensure,
    user_block,
    user_create,
    user_deactivate,
    user_delete,
    user_reset_password,
    user_set_role,
    user_unblock,
)
from .classrooms import (  # noqa: F401
    classroom_create,
    classroom_delete,
    classroom_member_add,
    classroom_member_remove,
    classroom_update,
)
from .family import (  # noqa: F401
    family_invitation_answer,
    family_invitation_cancel,
    family_invitation_send,
    guardianship_remove,
)
from .links import (  # noqa: F401
    tutor_link_end,
    tutor_request_accept,
    tutor_request_create,
    tutor_request_decline,
    tutor_request_withdraw,
)
