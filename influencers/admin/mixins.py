"""Workspace scoping and role-based permissions shared by every workspace-owned admin.

Who may do what is decided by the user's Membership in the workspace in scope
(`request.workspace`), not by Django model permissions: a staff user who is a *viewer* may look,
a *member* may also add and change, a *manager* or *owner* may also delete. Superusers may do
everything, and with "All workspaces" chosen they see every workspace's rows.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.functional import SimpleLazyObject, cached_property, empty
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RelatedDropdownFilter

from influencers import policy
from influencers.models import ActivityEvent, Membership, MetricSnapshot, Workspace
from influencers.selectors.workspaces import current_workspace_for_request, membership_for
from influencers.services.records import record_delete, record_save, records_delete

Role = Membership.Role
# Who may do what is decided by influencers.policy (asked by the API and services too).
ALL_ROLES = policy.roles_for(policy.Action.VIEW)
EDIT_ROLES = policy.roles_for(policy.Action.CHANGE)
DELETE_ROLES = policy.roles_for(policy.Action.DELETE)
OWNER_ROLES = policy.roles_for(policy.Action.MANAGE)

# Rows that only ever disappear with their parent (a creator): deleting the parent must not be
# refused because nobody may delete these rows on their own.
CASCADE_ONLY_MODELS = (ActivityEvent, MetricSnapshot)

_UNSET = object()


def current_workspace(request) -> Workspace | None:
    """The workspace in scope for this request as a real model instance (or None).

    `request.workspace` is a SimpleLazyObject, and a lazy object wrapping None is not `is None`,
    so everything in the admin reads the scope through here. Cached on the request.
    """
    cached = getattr(request, "_admin_workspace", _UNSET)
    if cached is not _UNSET:
        return cached
    workspace = getattr(request, "workspace", _UNSET)
    if workspace is _UNSET:  # a request that did not pass through the middleware (tests)
        workspace = current_workspace_for_request(request)
    elif isinstance(workspace, SimpleLazyObject):
        if workspace._wrapped is empty:
            workspace._setup()
        workspace = workspace._wrapped
    request._admin_workspace = workspace
    return workspace


def workspace_role(request) -> str | None:
    """The user's role in the workspace in scope ("owner", ..., "viewer"), cached on the request.

    Superusers count as owners everywhere.
    """
    cached = getattr(request, "_admin_workspace_role", _UNSET)
    if cached is not _UNSET:
        return cached
    user = request.user
    if not (user.is_active and user.is_staff):
        role = None
    elif user.is_superuser:
        role = Role.OWNER
    else:
        membership = membership_for(user=user, workspace=current_workspace(request))
        role = membership.role if membership else None
    request._admin_workspace_role = role
    return role


def scope_workspace(request) -> Workspace | int | None:
    """The workspace that choices in the form being built must come from.

    On a change page that is the object's own workspace (a superuser in "All workspaces" mode
    editing a creator of brand B must only be offered brand B's campaigns); otherwise the
    workspace in scope. A workspace or its id.
    """
    return getattr(request, "_admin_object_workspace_id", None) or current_workspace(request)


def is_workspace_owned(model) -> bool:
    try:
        field = model._meta.get_field("workspace")
    except Exception:  # FieldDoesNotExist, or not a model at all
        return False
    return getattr(field, "related_model", None) is Workspace


def scoped_choices_filter(related_model, workspace) -> Q | None:
    """How to narrow a related model's choices to one workspace (a Workspace or its id; None:
    no narrowing)."""
    if workspace is None:
        return None
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    if is_workspace_owned(related_model):
        return Q(workspace_id=workspace_id)
    if related_model is get_user_model():
        return Q(memberships__workspace_id=workspace_id)
    return None


def https_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` for the admin's ModelForms: URLs without a scheme are https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class RolePermissionsMixin:
    """has_*_permission from the Membership role; no Django model permissions needed."""

    view_roles = ALL_ROLES
    add_roles = EDIT_ROLES
    change_roles = EDIT_ROLES
    delete_roles = DELETE_ROLES

    def _role_allows(self, request, roles, obj=None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if workspace_role(request) not in roles:
            return False
        if obj is not None and is_workspace_owned(type(obj)):
            workspace = current_workspace(request)
            return workspace is not None and obj.workspace_id == workspace.pk
        return True

    def has_module_permission(self, request):
        return self._role_allows(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self._role_allows(request, self.view_roles | self.change_roles, obj)

    def has_add_permission(self, request, obj=None):
        return self._role_allows(request, self.add_roles)

    def has_change_permission(self, request, obj=None):
        return self._role_allows(request, self.change_roles, obj)

    def has_delete_permission(self, request, obj=None):
        return self._role_allows(request, self.delete_roles, obj)


class ScopedFormfieldsMixin:
    """Foreign-key and many-to-many choices limited to the workspace being worked in."""

    # Profile and tracking links typed without a scheme are https (Django 6's default too).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _scope_formfield_kwargs(self, db_field, request, kwargs):
        if "queryset" in kwargs:
            return kwargs
        related_model = db_field.related_model
        condition = scoped_choices_filter(related_model, scope_workspace(request))
        if condition is not None:
            queryset = related_model._default_manager.filter(condition)
            related_admin = self.admin_site._registry.get(related_model)
            ordering = related_admin.get_ordering(request) if related_admin else ()
            kwargs["queryset"] = queryset.order_by(*ordering) if ordering else queryset
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_formfield_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope_formfield_kwargs(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _workspace_of_form(form):
    workspace = form.cleaned_data.get("workspace") if hasattr(form, "cleaned_data") else None
    if workspace is not None:
        return workspace.pk
    return getattr(form.instance, "workspace_id", None)


def check_same_workspace(form, workspace_id) -> None:
    """Field errors for any chosen related row that lives in another workspace.

    Choices are already limited to one workspace; this is the backstop for a superuser working
    in "All workspaces" mode, who may pick a creator of one brand and a campaign of another.
    """
    if workspace_id is None:
        return
    message = _("This belongs to another workspace.")
    for name, value in list(form.cleaned_data.items()):
        if name == "workspace" or value in (None, ""):
            continue
        values = value if hasattr(value, "__iter__") and not isinstance(value, str) else [value]
        for item in values:
            item_workspace = getattr(item, "workspace_id", None)
            if is_workspace_owned(type(item)) and item_workspace != workspace_id:
                form.add_error(name, message)
                break


class WorkspaceScopedAdminMixin(RolePermissionsMixin, ScopedFormfieldsMixin):
    """For every ModelAdmin whose model has a `workspace` foreign key.

    * rows: only the workspace in scope (a superuser in "All workspaces" mode sees them all);
    * new rows: the workspace is taken from the scope; only a superuser in "All workspaces"
      mode sees (and must fill in) the workspace field; it is never editable afterwards;
    * choices in forms, inlines and autocompletes: the same workspace only;
    * permissions: from the Membership role (see RolePermissionsMixin).
    """

    show_full_result_count = False
    list_per_page = 50
    # Read by the admin theme's change form for every field (its conditional fields, unused
    # here). Absent, each read is a failed template lookup, which Django answers with dir()
    # of this admin class: ~6 ms of a creator page.
    conditional_fields: dict = {}

    # --- rows ------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        workspace = current_workspace(request)
        if workspace is not None:
            return queryset.filter(workspace=workspace)
        if request.user.is_superuser:
            return queryset
        return queryset.none()

    def _all_workspaces_mode(self, request) -> bool:
        return request.user.is_superuser and current_workspace(request) is None

    def get_list_display(self, request):
        list_display = list(super().get_list_display(request))
        if self._all_workspaces_mode(request) and "workspace" not in list_display:
            list_display.insert(min(2, len(list_display)), "workspace")
        return list_display

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if not self._all_workspaces_mode(request):
            return related
        if related is True:
            return True
        return (*(related or ()), "workspace")

    # --- the workspace field ------------------------------------------------------------------

    def _show_workspace_field(self, request, obj) -> bool:
        if not request.user.is_superuser:
            return False
        return obj is not None or current_workspace(request) is None

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f != "workspace"]
            fieldsets.append((name, {**options, "fields": fields}))
        if self._show_workspace_field(request, obj):
            if fieldsets:
                name, options = fieldsets[0]
                fieldsets[0] = (name, {**options, "fields": ["workspace", *options["fields"]]})
            else:
                fieldsets = [(None, {"fields": ["workspace"]})]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and "workspace" not in readonly:
            readonly.append("workspace")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Inlines and choices built after this must follow the object's workspace.
        request._admin_object_workspace_id = obj.workspace_id if obj is not None else None
        form_class = super().get_form(request, obj, change, **kwargs)
        workspace = current_workspace(request)

        class WorkspaceScopedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance._state.adding and workspace is not None:
                    self.instance.workspace = workspace

            def clean(self):
                cleaned_data = super().clean()
                check_same_workspace(self, _workspace_of_form(self))
                return cleaned_data

            def _get_validation_exclusions(self):
                # The workspace is not a form field, but constraints such as "one ASIN per
                # workspace" involve it: validate them here rather than fail with an
                # IntegrityError on save.
                exclusions = super()._get_validation_exclusions()
                if getattr(self.instance, "workspace_id", None):
                    exclusions.discard("workspace")
                return exclusions

        WorkspaceScopedForm.__name__ = form_class.__name__
        return WorkspaceScopedForm

    # --- writing: through the services, as the API writes ------------------------------------
    # Every save and delete of the admin (forms, inlines, the delete action) calls the record
    # services (services/records.py), which ask the policy, normalise, validate and refresh
    # roll-ups exactly as for the API. Admins with a service of their own (creators, notes,
    # collaborations, plans...) override these.

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        record_save(instance=obj, actor=request.user, changed=form.changed_data if change else None)

    def save_related(self, request, form, formsets, change):
        m2m = _m2m_of(form)
        if m2m:
            record_save(instance=form.instance, actor=request.user, changed=[], m2m=m2m)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        record_delete(instance=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        records_delete(instances=list(queryset), actor=request.user)

    def save_formset(self, request, form, formset, change):
        parent_workspace_id = getattr(form.instance, "workspace_id", None)
        if parent_workspace_id and is_workspace_owned(formset.model):
            for inline_form in formset.forms:
                if not getattr(inline_form.instance, "workspace_id", None):
                    inline_form.instance.workspace_id = parent_workspace_id
        instances = formset.save(commit=False)  # builds the rows; writes nothing
        for obj in formset.deleted_objects:
            record_delete(instance=obj, actor=request.user)
        by_instance = {id(f.instance): f for f in formset.forms}
        for obj in instances:
            inline_form = by_instance.get(id(obj))
            if getattr(inline_form, "_saved_by_service", False):
                continue  # created by the parent admin's own service (a note, a deal)
            obj._history_user = request.user
            record_save(
                instance=obj,
                actor=request.user,
                changed=inline_form.changed_data if inline_form and obj.pk else None,
                m2m=_m2m_of(inline_form) if inline_form else None,
            )

    # --- deleting ---------------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        cascade_only = {str(model._meta.verbose_name) for model in CASCADE_ONLY_MODELS}
        perms_needed = {name for name in perms_needed if str(name) not in cascade_only}
        return deleted, model_count, perms_needed, protected


class WorkspaceScopedInlineMixin(RolePermissionsMixin, ScopedFormfieldsMixin):
    """For inlines of workspace-owned models: same permissions and choices as the parent."""

    def _role_allows(self, request, roles, obj=None):
        # `obj` is the parent object here; it was already fetched through the scoped queryset.
        return super()._role_allows(request, roles)

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        fk_name = formset_class.fk.name

        class WorkspaceScopedInlineForm(formset_class.form):
            # Read by the admin theme for each inline row (its nested inlines, unused here);
            # absent, a failed template lookup and a dir() of the form each time.
            nested_formsets = ()

            def clean(self):
                cleaned_data = super().clean()
                parent = cleaned_data.get(fk_name)
                check_same_workspace(self, getattr(parent, "workspace_id", None))
                return cleaned_data

        WorkspaceScopedInlineForm.__name__ = formset_class.form.__name__
        formset_class.form = WorkspaceScopedInlineForm
        return type(formset_class.__name__, (EmptyFormOnce, formset_class), {})


class EmptyFormOnce:
    """A formset whose empty form (the row the admin copies for "Add another") is built once.
    Django's `empty_form` is a property that builds a new form on every read, and the admin
    and its theme read it ~7 times per inline (iterating the formset, its fields, media,
    multipart): 36 forms built for one creator page, ~15% of its time. Nothing changes the
    empty form once built; it is only rendered."""

    @cached_property
    def empty_form(self):
        return super().empty_form


class ReadOnlyTabularInline(WorkspaceScopedInlineMixin, TabularInline):
    """Shows rows; nobody adds, changes or deletes them here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields or ())


class ScopedRelatedDropdownFilter(RelatedDropdownFilter):
    """A related-object filter that only offers the workspace's own rows (and members)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        condition = scoped_choices_filter(field.related_model, current_workspace(request))
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=condition)


class ScopedSimpleListFilter(admin.SimpleListFilter):
    """Base for hand-written filters; gives them the workspace in scope."""

    def workspace(self, request):
        return current_workspace(request)


class PersonalDataAdminMixin:
    """Shows fields holding personal data as influencers.policy lets the user's role see them.

    `masked_fields` maps a field name to the display method that stands in for it, in the list
    and on the change page, when the policy masks for the role (a viewer may only look, so the
    stand-in is read-only like every field they see). List it before the ModelAdmin bases."""

    masked_fields: dict[str, str] = {}

    def masks_personal_data(self, request) -> bool:
        return policy.must_mask(workspace_role(request))

    def _swap_masked(self, request, names):
        if not self.masks_personal_data(request):
            return names
        out = []
        for name in names:
            if isinstance(name, list | tuple):
                out.append(type(name)(self._swap_masked(request, name)))
            else:
                stand_in = self.masked_fields.get(name, name)
                if stand_in not in out:
                    out.append(stand_in)
        return out

    def get_list_display(self, request):
        return self._swap_masked(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._swap_masked(request, super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.masks_personal_data(request):
            return fieldsets
        return [
            (name, {**options, "fields": self._swap_masked(request, options.get("fields", ()))})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.masks_personal_data(request):
            readonly += [m for m in self.masked_fields.values() if m not in readonly]
        return readonly


def _m2m_of(form) -> dict:
    """{many-to-many field: chosen values} of a bound, valid model form."""
    if form is None or not hasattr(form, "cleaned_data"):
        return {}
    names = {f.name for f in form.instance._meta.many_to_many}
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
