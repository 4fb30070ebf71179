from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts import selectors
from accounts.filters import OrganizationFilter
from accounts.navigation import cards_for, organization_sections_for
from accounts.scoping import get_scoped_or_404, scope_for, visible_municipalities, visible_organizations
from accounts.tokens import invitation_tokens

PAGE_SIZE = 25


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {
            "cards": cards_for(request.user),
            # a school role has one organization: the breakdown by type helps municipal roles only
            "organization_counts": (
                selectors.organization_counts_by_kind(request.user) if scope_for(request.user).is_municipal else {}
            ),
        },
    )


@login_required
def organization_list(request):
    filterset = OrganizationFilter(
        request.GET,
        queryset=selectors.organization_list(request.user),
        municipalities=visible_municipalities(request.user),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_list.html", {"filter": filterset, "page": page})


@login_required
def organization_detail(request, pk: int):
    """A school's own page: contacts, then each app's section (roadmap, people and pairs, reports)."""
    organization = get_scoped_or_404(visible_organizations(request.user).select_related("municipality__region"), pk=pk)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "staff": selectors.organization_staff(organization),
            "sections": organization_sections_for(request.user, organization),
        },
    )


class WelcomeView(auth_views.PasswordResetConfirmView):
    """An invitation's one-time link (Django's password-reset machinery with the invitation token):
    the invited person sets a password and is signed in."""

    token_generator = invitation_tokens
    template_name = "registration/invitation_welcome.html"
    post_reset_login = True
    post_reset_login_backend = "accounts.backends.ModelBackend"
    success_url = reverse_lazy("home")  # a participant is sent on to their own page
    reset_url_token = "set-password"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Пароль сохранён. Добро пожаловать!")
        return response
